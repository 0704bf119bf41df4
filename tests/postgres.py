"""A throwaway PostgreSQL server for the tests that need the real thing.

Uses Debian's server binaries. initdb refuses to run as root, so as root the server runs as the
`postgres` system user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PostgresServer:
    bin_dir: Path
    base: Path
    port: int
    run_as: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _cmd(self, *args: str) -> list[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        return ["runuser", "-u", self.run_as, "--", *command] if self.run_as else command

    def start(self) -> None:
        data = self.base / "data"
        subprocess.run(
            self._cmd("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
            check=True,
            capture_output=True,
        )
        self._launch()

    def _launch(self) -> None:
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            self._cmd(
                "pg_ctl",
                "-D",
                str(self.base / "data"),
                "-o",
                options,
                "-l",
                str(self.base / "log"),
                "-w",
                "-t",
                "60",
                "start",
            ),
            check=True,
            capture_output=True,
        )

    def take_down(self) -> None:
        """The database goes away (an outage, a failover): a fast shutdown, which ends every
        client's connection at once. Its data stays; `bring_back` starts it again."""
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.base / "data"), "-m", "fast", "-w", "stop"),
            check=True,
            capture_output=True,
        )

    def bring_back(self) -> None:
        """Start the server again after `take_down`, on the same port with the same data."""
        self._launch()

    def stop(self) -> None:
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.base / "data"), "-m", "immediate", "stop"),
            capture_output=True,
        )
        shutil.rmtree(self.base, ignore_errors=True)


def find_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = candidates[0] if candidates else shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server() -> PostgresServer | None:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return None
    run_as = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="checkin-pg-"))
    if run_as:
        shutil.chown(base, user=run_as)
    server = PostgresServer(bin_dir, base, free_port(), run_as)
    server.start()
    return server

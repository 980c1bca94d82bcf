"""The Lambda runtime a package is built for: CPU architecture, Python version and limits.

AWS facts used here (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html):
the python3.12 and python3.13 runtimes run on Amazon Linux 2023, whose glibc is 2.34, so
wheels tagged manylinux_2_17 (= manylinux2014) up to manylinux_2_34 run there; musllinux
wheels do not. A package is limited to 50 MB zipped when uploaded directly and to 250 MB
unzipped (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html; the API
reports the latter as "must be smaller than 262144000 bytes").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ARCHITECTURES: Final = ("x86_64", "arm64")
PYTHONS: Final = ("3.12", "3.13")
GLIBC_MINOR: Final = 34  # Amazon Linux 2023
OLDEST_GLIBC_MINOR: Final = 17  # manylinux2014
ZIPPED_LIMIT: Final = 50 * 1024 * 1024
UNZIPPED_LIMIT: Final = 262_144_000
# ELF header e_machine values (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html).
ELF_MACHINES: Final = {"x86_64": 0x3E, "arm64": 0xB7}
_MACHINE_NAMES: Final = {"x86_64": "x86_64", "arm64": "aarch64"}


@dataclass(frozen=True, slots=True)
class Target:
    """A Lambda runtime: `arch` is Lambda's name (x86_64 or arm64), `python` is "3.12"."""

    arch: str = "arm64"
    python: str = "3.12"

    def __post_init__(self) -> None:
        if self.arch not in ARCHITECTURES:
            raise ValueError(f"architecture {self.arch!r}: use one of {', '.join(ARCHITECTURES)}")
        if self.python not in PYTHONS:
            raise ValueError(f"Python {self.python!r}: use one of {', '.join(PYTHONS)}")

    @property
    def machine(self) -> str:
        """The Linux name of the CPU (`platform.machine()` on the runtime)."""
        return _MACHINE_NAMES[self.arch]

    @property
    def runtime(self) -> str:
        """Lambda's runtime identifier, e.g. python3.12."""
        return f"python{self.python}"

    @property
    def cp(self) -> str:
        """The CPython tag, e.g. cp312."""
        return "cp" + self.python.replace(".", "")

    @property
    def platforms(self) -> tuple[str, ...]:
        """Wheel platform tags that run on the runtime, newest glibc first.

        pip expands only the legacy aliases (manylinux2014 -> 2010 -> 1), so every
        manylinux_2_N tag is listed: some projects publish manylinux_2_28 wheels only.
        """
        tags = [
            f"manylinux_2_{minor}_{self.machine}"
            for minor in range(GLIBC_MINOR, OLDEST_GLIBC_MINOR - 1, -1)
        ]
        return (*tags, f"manylinux2014_{self.machine}")

    @property
    def elf_machine(self) -> int:
        return ELF_MACHINES[self.arch]

    def marker_environment(self) -> dict[str, str]:
        """PEP 508 marker values on the runtime, to pick the locked requirements that apply."""
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{self.python}.0",
            "os_name": "posix",
            "platform_machine": self.machine,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Linux",
            "platform_version": "",
            "python_full_version": f"{self.python}.0",
            "python_version": self.python,
            "sys_platform": "linux",
        }

    def describe(self) -> str:
        return f"{self.runtime} on {self.arch}"


def elf_machine_of(header: bytes) -> int | None:
    """The e_machine field of an ELF file's first 20 bytes, or None if it is not ELF."""
    if len(header) < 20 or header[:4] != b"\x7fELF":
        return None
    if header[5] == 1:  # EI_DATA: 1 little-endian, 2 big-endian
        return int.from_bytes(header[18:20], "little")
    return int.from_bytes(header[18:20], "big")

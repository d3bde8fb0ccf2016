"""A seccomp filter, compiled with libseccomp, that denies what exercise code never needs.

bubblewrap installs the compiled program (--seccomp FD) on the sandbox's first process,
so it binds everything started inside. Denied calls fail with EPERM (a clear Python
error) instead of killing the process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import tempfile
from functools import lru_cache

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_NE = 1
SCMP_CMP_MASKED_EQ = 7
AF_UNIX = 1
CLONE_NEW_FLAGS = (0x10000000, 0x20000000, 0x40000000, 0x04000000, 0x08000000, 0x00020000, 0x02000000)  # user, pid, net, uts, ipc, mount, cgroup

# Kernel surfaces no analysis code needs: tracing other processes, mounting, kernel
# keyrings and modules, BPF, perf, io_uring, userfaultfd, namespaces, clocks, reboot.
DENIED = [
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "unshare", "setns",
    "add_key", "request_key", "keyctl",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "reboot", "swapon", "swapoff", "acct", "quotactl", "syslog", "vhangup",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "open_by_handle_at", "name_to_handle_at", "lookup_dcookie",
    "personality", "uselib", "ioperm", "iopl", "mbind", "migrate_pages", "move_pages", "set_mempolicy",
]  # fmt: skip


class SeccompUnavailable(RuntimeError):
    pass


class _ScmpArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


def _library() -> ctypes.CDLL:
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError as error:
        raise SeccompUnavailable(f"libseccomp is not installed (Debian package libseccomp2): {error}") from None


@lru_cache(maxsize=1)
def compiled_filter() -> bytes:
    """Return the filter as a BPF program for bubblewrap's --seccomp."""
    lib = _library()
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(_ScmpArgCmp)]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    deny = 0x00050000 | errno.EPERM  # SCMP_ACT_ERRNO(EPERM)
    context = lib.seccomp_init(SCMP_ACT_ALLOW)
    if not context:
        raise SeccompUnavailable("seccomp_init failed")
    try:
        for name in DENIED:
            number = lib.seccomp_syscall_resolve_name(name.encode())
            if number < 0:
                continue  # not a system call on this architecture
            _check(lib.seccomp_rule_add(context, deny, number, 0), name)
        socket = lib.seccomp_syscall_resolve_name(b"socket")
        # Only local (AF_UNIX) sockets: no raw, packet, netlink or IP sockets at all.
        _check(_add_with_argument(lib, context, deny, socket, _ScmpArgCmp(0, SCMP_CMP_NE, AF_UNIX, 0)), "socket")
        clone = lib.seccomp_syscall_resolve_name(b"clone")
        # Threads and processes yes; new namespaces no (clone3 hides its flags, so it
        # answers ENOSYS and the C library falls back to clone).
        for flag in CLONE_NEW_FLAGS:
            _check(_add_with_argument(lib, context, deny, clone, _ScmpArgCmp(0, SCMP_CMP_MASKED_EQ, flag, flag)), "clone")
        clone3 = lib.seccomp_syscall_resolve_name(b"clone3")
        if clone3 >= 0:
            _check(lib.seccomp_rule_add(context, 0x00050000 | errno.ENOSYS, clone3, 0), "clone3")
        with tempfile.TemporaryFile() as out:
            _check(lib.seccomp_export_bpf(context, out.fileno()), "export")
            out.seek(0)
            return out.read()
    finally:
        lib.seccomp_release(context)


def _add_with_argument(lib: ctypes.CDLL, context: int, action: int, number: int, comparison: _ScmpArgCmp) -> int:
    # seccomp_rule_add is variadic; the array form passes the comparison safely through ctypes.
    return lib.seccomp_rule_add_array(context, action, number, 1, ctypes.byref(comparison))


def _check(result: int, what: str) -> None:
    if result < 0:
        raise SeccompUnavailable(f"libseccomp refused the rule for {what}: {os.strerror(-result)}")

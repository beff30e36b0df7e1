"""The HIL harness: boots the guest under QEMU and talks to it over three channels.

- QMP (a unix socket): adds and removes USB ports (usb-redir, usb-serial) and chardevs.
- The control shell on ttyS1: `run(command)` sends a command and reads its output up to a
  marker carrying the exit status.
- udev's event stream on ttyS2: every line is timestamped on arrival, so a scenario waits for
  an event (`wait_event`) and the harness measures plug-to-event latency on the host.

Standard library only. Each `Guest` owns its QEMU process and kills it on `close()`.
"""

import atexit
import json
import os
import shutil
import signal
import socket
import sys
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def guest_image():
    """Builds (or finds cached) the guest: returns its directory."""
    cache = os.environ.get("HIL_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "thermogate-hil"))
    env = dict(os.environ, HIL_CACHE=cache)
    # The builder's errors (debootstrap's tail, "must be root", a mirror) go straight to stderr.
    output = subprocess.run(
        ["bash", os.path.join(HERE, "build-guest.sh")], env=env, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    sys.stdout.write(output)
    line = [l for l in output.splitlines() if l.startswith("guest ")][-1]
    return line.split(": ", 1)[1].split(" ")[0]


class HILError(Exception):
    pass


# Every live guest, so that an interrupted or killed run leaves no QEMU or simulator behind.
LIVE = []


def _close_all():
    for guest in list(LIVE):
        guest.close()


def _terminated(signum, frame):
    _close_all()
    sys.exit(128 + signum)


atexit.register(_close_all)
signal.signal(signal.SIGTERM, _terminated)


class Events:
    """udev's event stream, one `udevadm monitor --property` block per event."""

    def __init__(self, sock):
        self.sock = sock
        self.lock = threading.Condition()
        self.events = []  # (host time, {properties})
        self.partial = {}
        self.buffer = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            now = time.monotonic()
            self.buffer += data
            while b"\n" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\n", 1)
                line = raw.decode(errors="replace").strip("\r")
                if line.startswith("UDEV  ["):
                    self.partial = {"_header": line}
                elif "=" in line and self.partial is not None:
                    key, value = line.split("=", 1)
                    self.partial[key] = value
                elif line == "" and self.partial and "ACTION" in self.partial:
                    with self.lock:
                        self.events.append((now, self.partial))
                        self.lock.notify_all()
                    self.partial = {}

    def mark(self):
        with self.lock:
            return len(self.events)

    def wait(self, predicate, after=0, timeout=20.0):
        """The first event after index `after` that satisfies `predicate`: (host time, properties)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            index = after
            while True:
                while index < len(self.events):
                    event = self.events[index]
                    index += 1
                    if predicate(event[1]):
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [
                        "%s %s %s" % (e.get("ACTION"), e.get("SUBSYSTEM"), e.get("DEVNAME", e.get("DEVPATH")))
                        for _, e in self.events[after:]
                    ]
                    raise HILError("no matching udev event in %.0f s; saw: %s" % (timeout, seen))
                self.lock.wait(left)


class Guest:
    def __init__(self, share_files=None, blacklist_hid_mcp2221=True, memory=1024):
        self.image = guest_image()
        self.run_dir = tempfile.mkdtemp(prefix="hil-run-")
        self.share = os.path.join(self.run_dir, "share")
        os.makedirs(os.path.join(self.share, "bin"))
        shutil.copy(os.path.join(HERE, "guest-stage2.sh"), self.share)
        shutil.copytree(os.path.join(ROOT, "udev-rules"), os.path.join(self.share, "udev-rules"))
        for name, path in (share_files or {}).items():
            target = os.path.join(self.share, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if name.startswith("bin/"):
                # Half the size without symbols: the guest loads it over 9p under emulation.
                subprocess.run(["strip", "-o", target, path], check=True)
            else:
                shutil.copy(path, target)
        self.console = os.path.join(self.run_dir, "console.log")
        self.qmp_path = os.path.join(self.run_dir, "qmp.sock")
        append = "console=ttyS0 quiet panic=-1 rdinit=/init"
        if blacklist_hid_mcp2221:
            append += " modprobe.blacklist=hid_mcp2221"
        accel = ["-accel", "kvm", "-cpu", "host"] if os.environ.get("HIL_ACCEL") == "kvm" else [
            "-accel", "tcg,thread=multi", "-cpu", "max"]
        command = ["qemu-system-x86_64"] + accel + [
            "-m", str(memory), "-smp", "2", "-machine", "q35", "-nographic", "-no-reboot", "-nodefaults",
            "-kernel", os.path.join(self.image, "vmlinuz"), "-initrd", os.path.join(self.image, "initramfs.cpio"),
            "-append", append,
            "-serial", "file:" + self.console,
            "-chardev", "socket,id=ctl,path=%s/ctl.sock,server=on,wait=off" % self.run_dir, "-serial", "chardev:ctl",
            "-chardev", "socket,id=ev,path=%s/ev.sock,server=on,wait=off" % self.run_dir, "-serial", "chardev:ev",
            "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
            "-device", "qemu-xhci,id=xhci,p2=8,p3=8",
            "-virtfs", "local,path=%s,mount_tag=hostshare,security_model=none,id=hs" % self.share,
        ]
        self.started = time.monotonic()
        LIVE.append(self)
        with open(os.path.join(self.run_dir, "qemu.log"), "w") as log:
            self.qemu = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.ports = {}
        self.helpers = []
        self.sequence = 0
        try:
            self.qmp = self._connect(self.qmp_path)
            self.qmp.settimeout(60)
            self.qmp_file = self.qmp.makefile("rw")
            self.qmp_file.readline()  # greeting
            self.qmp_command("qmp_capabilities")
            self.ctl = self._connect(os.path.join(self.run_dir, "ctl.sock"))
            self.events = Events(self._connect(os.path.join(self.run_dir, "ev.sock")))
            self._wait_ready(timeout=float(os.environ.get("HIL_BOOT_TIMEOUT", "180")))
            self.boot_seconds = time.monotonic() - self.started
            self._sync()
        except BaseException:
            self.close()
            raise

    # ---- plumbing ------------------------------------------------------------------------

    def _connect(self, path, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(path)
                return sock
            except OSError:
                sock.close()
                if self.qemu.poll() is not None:
                    raise HILError("QEMU exited: %s" % self._tail("qemu.log"))
                if time.monotonic() > deadline:
                    raise HILError("no socket %s after %.0f s" % (path, timeout))
                time.sleep(0.05)

    def _tail(self, name, size=3000):
        try:
            with open(os.path.join(self.run_dir, name), errors="replace") as f:
                return f.read()[-size:]
        except OSError:
            return ""

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self._tail("console.log", 100000)
            if "HIL-READY" in text:
                return
            if "HIL-FAILED" in text or "Kernel panic" in text:
                break
            if self.qemu.poll() is not None:
                break
            time.sleep(0.2)
        raise HILError("the guest did not come up; console:\n" + self._tail("console.log"))

    def _sync(self):
        # Bytes sent before the shell runs are lost (stty flushes): probe until one answers.
        self.ctl.settimeout(0.5)
        for attempt in range(60):
            marker = "@@SYNC%d@@" % attempt
            # Split in the command so that a tty still echoing does not answer for the shell.
            self.ctl.sendall(("printf '@@SY''NC%%d@@\\n' %d\n" % attempt).encode())
            buffer = b""
            try:
                while marker.encode() not in buffer:
                    chunk = self.ctl.recv(4096)
                    if not chunk:
                        raise HILError("control channel closed")
                    buffer += chunk
                # Drain what a late echo or earlier probes left behind.
                self.ctl.settimeout(0.3)
                try:
                    while self.ctl.recv(65536):
                        pass
                except socket.timeout:
                    pass
                self.ctl.settimeout(None)
                return
            except socket.timeout:
                continue
        raise HILError("the control shell never answered")

    def qmp_command(self, name, **arguments):
        message = {"execute": name}
        if arguments:
            message["arguments"] = arguments
        self.qmp_file.write(json.dumps(message) + "\n")
        self.qmp_file.flush()
        while True:
            reply = json.loads(self.qmp_file.readline())
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise HILError("QMP %s: %s" % (name, reply["error"]))
            # an asynchronous event: skip it

    def run(self, command, timeout=60.0, check=True):
        """Runs a shell command in the guest: (status, output)."""
        self.sequence += 1
        marker = "@@DONE_%d_" % self.sequence
        self.ctl.sendall(("{ %s ; } 2>&1; printf '\\n@@DO''NE_%%s_%%s@@\\n' %d $?\n" % (command, self.sequence)).encode())
        buffer = b""
        deadline = time.monotonic() + timeout
        self.ctl.settimeout(1.0)
        try:
            while True:
                text = buffer.decode(errors="replace")
                at = text.find(marker)
                if at >= 0 and text.find("@@", at + len(marker)) >= 0:
                    end = text.find("@@", at + len(marker))
                    status = int(text[at + len(marker):end])
                    # A leading newline is the previous marker's line end, arrived late.
                    output = text[:at].replace("\r", "")
                    output = output[1:] if output.startswith("\n") else output
                    output = output.rstrip("\n")
                    if check and status != 0:
                        raise HILError("guest command failed (%d): %s\n%s" % (status, command, output))
                    return status, output
                if time.monotonic() > deadline:
                    # Its late output must not become the next command's: resynchronise first.
                    try:
                        self._sync()
                    except HILError:
                        pass
                    raise HILError("guest command timed out after %.0f s: %s\n%s" % (timeout, command, text[-2000:]))
                try:
                    chunk = self.ctl.recv(65536)
                except socket.timeout:
                    continue
                if not chunk:
                    raise HILError("control channel closed")
                buffer += chunk
        finally:
            self.ctl.settimeout(None)

    def write_file(self, path, text):
        """Writes `text` to `path` in the guest (base64 through the shell: no quoting trouble)."""
        import base64
        encoded = base64.b64encode(text.encode()).decode()
        self.run("printf '%%s' '%s' | base64 -d > %s" % (encoded, path))

    # ---- devices -------------------------------------------------------------------------

    def add_usbredir_port(self, name):
        """A usb-redir port whose chardev our emulator connects to: returns the socket path."""
        path = os.path.join(self.run_dir, name + ".sock")
        self.qmp_command("chardev-add", id=name, backend={"type": "socket", "data": {
            "addr": {"type": "unix", "data": {"path": path}}, "server": True, "wait": False}})
        self.qmp_command("device_add", driver="usb-redir", id="dev-" + name, bus="xhci.0", chardev=name)
        self.ports[name] = path
        return path

    def plug(self, name, arguments, log=None):
        """Starts a simulator process (the cable); its exit unplugs the device."""
        with open(os.path.join(self.run_dir, (log or name) + ".log"), "a") as log_file:
            process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.helpers.append(process)
        return process

    def close(self):
        if self in LIVE:
            LIVE.remove(self)
        for name in ("qmp_file", "qmp", "ctl"):
            channel = getattr(self, name, None)
            if channel:
                channel.close()
        if getattr(self, "events", None):
            self.events.sock.close()
        for process in getattr(self, "helpers", []):
            if process.poll() is None:
                process.kill()
                process.wait()
        if getattr(self, "qemu", None) and self.qemu.poll() is None:
            self.qemu.kill()
            self.qemu.wait()
        if os.environ.get("HIL_KEEP") != "1":
            shutil.rmtree(self.run_dir, ignore_errors=True)
        else:
            print("HIL run kept in", self.run_dir)

#!/bin/sh
# The HIL guest's second stage, run from the host share: our udev rules (and modprobe settings,
# when a scenario gives some) installed, the real systemd-udevd with coldplug, udev's event
# stream on ttyS2 and a control shell on ttyS1 for the harness.
# Loopback, for the daemon's HTTP listener.
busybox ip link set lo up 2>/dev/null || busybox ifconfig lo 127.0.0.1 up
cp /mnt/host/udev-rules/*.rules /etc/udev/rules.d/
[ -f /mnt/host/modprobe.conf ] && cp /mnt/host/modprobe.conf /etc/modprobe.d/hil.conf
/usr/lib/systemd/systemd-udevd --daemon
udevadm trigger --type=subsystems --action=add
udevadm trigger --type=devices --action=add
udevadm settle --timeout=60
stty -F /dev/ttyS2 raw -echo
udevadm monitor --udev --property --subsystem-match=usb --subsystem-match=tty --subsystem-match=hidraw \
  --subsystem-match=hid \
  >/dev/ttyS2 2>&1 &
export PS1="" PATH=/mnt/host/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp
echo "HIL-READY $(cut -d' ' -f1 /proc/uptime)" >/dev/ttyS0
while true; do
  setsid sh -c 'stty raw -echo; exec sh' </dev/ttyS1 >/dev/ttyS1 2>&1
done

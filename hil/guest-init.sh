#!/bin/sh
# The HIL guest's PID 1 (baked into the image): the mounts and the host share, then the share's
# second stage (hil/guest-stage2.sh), so changing what the guest does needs no image rebuild.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /run /tmp /mnt/host
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
# udev is not running yet: the share's transport is loaded by hand (virtio-pci finds the
# device, 9pnet_virtio registers its channel, which can take a moment).
modprobe -q virtio_pci
modprobe -q 9pnet_virtio
modprobe -q 9p
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 hostshare /mnt/host 2>/dev/null; then
    [ -x /mnt/host/guest-stage2.sh ] && exec /mnt/host/guest-stage2.sh
    break
  fi
  sleep 0.5
done
echo "HIL-FAILED: no host share with guest-stage2.sh" >/dev/ttyS0
exec sh </dev/ttyS0 >/dev/ttyS0 2>&1

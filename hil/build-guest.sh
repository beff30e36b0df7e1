#!/usr/bin/env bash
# Builds the HIL guest: Debian's stock kernel (whatever `linux-image-amd64` depends on today) and
# a minimal bookworm with the real systemd-udevd, libusb and usbutils, packed as an initramfs.
# Output: $HIL_CACHE/<hash of this script and the guest's /init>/{vmlinuz,initramfs.cpio}; a
# second run with the same hash does nothing. Needs root (debootstrap, chroot) and the network
# (deb.debian.org). Our udev rules are not baked in: the guest's /init copies them from the host
# share at every boot, so the rules under test are always the working tree's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${HIL_CACHE:-$HOME/.cache/thermogate-hil}"
mirror="${HIL_MIRROR:-http://deb.debian.org/debian}"
hash="$( (cat "$here/build-guest.sh" "$here/guest-init.sh"; echo "$mirror") | sha256sum | cut -c1-16)"
out="$cache/guest-$hash"
if [[ -f "$out/initramfs.cpio" && -f "$out/vmlinuz" ]]; then
  echo "guest cached: $out"
  exit 0
fi
[[ "$(id -u)" == 0 ]] || { echo "build-guest: needs root (debootstrap, chroot)" >&2; exit 1; }
for tool in debootstrap cpio; do
  command -v "$tool" >/dev/null || { echo "build-guest: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
started=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/hil-guest.XXXXXX")"
chmod 755 "$work"  # apt-get download works as _apt there, not "unsandboxed as root"
trap 'rm -rf "$work"' EXIT
root="$work/root"

# The kernel: resolved from the metapackage so an ABI bump does not break the build.
kernel_package="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
[[ -n "$kernel_package" ]] || { echo "build-guest: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
(cd "$work" && apt-get download -q "$kernel_package" >/dev/null)
dpkg-deb -x "$work"/linux-image-*.deb "$work/kernel"
version="$(ls "$work/kernel/lib/modules")"
echo "kernel: $kernel_package ($version)"

debootstrap --variant=minbase --include=udev,usbutils,libusb-1.0-0,kmod,busybox,libsqlite3-0,libmosquitto1 \
  bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; exit 1; }

# Only the module subtrees the guest needs, then depmod inside it.
modules="$work/kernel/lib/modules/$version/kernel"
target="$root/lib/modules/$version/kernel"
for subtree in drivers/usb drivers/hid drivers/virtio drivers/i2c drivers/gpio drivers/input drivers/char/virtio_console.ko \
  drivers/block/virtio_blk.ko net/9p fs/9p fs/netfs fs/fscache net/vmw_vsock; do
  if [[ -e "$modules/$subtree" ]]; then
    mkdir -p "$(dirname "$target/$subtree")"
    cp -a "$modules/$subtree" "$target/$subtree"
  fi
done
cp "$work/kernel/lib/modules/$version"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$version/" 2>/dev/null || true
chroot "$root" depmod -a "$version"

# The group our rules give devices to, and a user in it for access checks.
chroot "$root" groupadd --system thermogate
chroot "$root" useradd --system --gid thermogate --no-create-home --shell /bin/sh gate
install -m 0755 "$here/guest-init.sh" "$root/init"
rm -rf "$root"/usr/share/{doc,man,locale,info} "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*

mkdir -p "$out.tmp"
cp "$work/kernel/boot/vmlinuz-$version" "$out.tmp/vmlinuz"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$out.tmp/initramfs.cpio"
echo "$kernel_package $version" >"$out.tmp/kernel.txt"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "guest built in $(( $(date +%s) - started )) s: $out ($(du -sh "$out/initramfs.cpio" | cut -f1) initramfs)"

# thermogate — the two set-up commands are `make run` and `make test`; everything else is help.
SWIFT ?= swift
APT_PACKAGES := pkg-config libudev-dev libusb-1.0-0-dev libsqlite3-dev libmosquitto-dev mosquitto openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/debug/thermogate

.PHONY: run test check test-hil bench bench-access build deps test-deps screenshot format lint clean install-udev install footprint

## Install the Debian packages the build needs, only those missing; the tests also need a real
## browser (the dashboard is tested in headless Chromium) and a font for it to draw text with,
## and a real SMTP server (aiosmtpd) for the e-mail sink.
TEST_APT_PACKAGES := chromium fonts-dejavu-core python3-aiosmtpd
define install_missing
	@missing=""; for package in $(1); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_missing,$(APT_PACKAGES))

test-deps: deps
	$(call install_missing,$(TEST_APT_PACKAGES))

build: deps
	$(SWIFT) build

## The gateway's main job on its embedded default: six simulated entrances for a minute
## (DEMO_ARGS adds options, e.g. DEMO_ARGS="--speed 10 --duration 0").
DEMO_ARGS ?=
run: build
	$(BIN) demo --duration 60 $(DEMO_ARGS)

## Every test suite: unit, property-based, configuration, CLI end-to-end, C library link checks.
test: test-deps
	$(SWIFT) test

## The fast tier for daily work: the unit, property and single-process suites of every module.
## Left out, and run by `make test`: the CLI end-to-end suites (daemon subprocesses, the real
## browser, install), kill -9 crash recovery and the suites that need a running mosquitto or
## SMTP server.
CHECK_SKIP := thermogateTests\.|CrashTests|MQTT|EmailSinkTests
check: deps
	$(SWIFT) test --skip '$(CHECK_SKIP)'

## The dashboard against the demo in headless Chromium: screenshots/dashboard-desktop.png and
## screenshots/dashboard-phone.png, taken by the browser test once the page is live.
screenshot: test-deps
	THERMOGATE_SCREENSHOT_DIR=$(CURDIR)/screenshots $(SWIFT) test --filter DashboardBrowserTests/testTheDashboardShowsActsAndRecoversInARealBrowser
	@ls -l screenshots/dashboard-desktop.png screenshots/dashboard-phone.png

## Hardware in the loop without hardware (hil/README.md): a QEMU guest with Debian's kernel and
## real udev, our simulated USB devices hot-plugged into it. Builds the guest once (cached by
## the builder's hash in $(HIL_CACHE)) and the static gateway binary the guest runs.
HIL_APT_PACKAGES := qemu-system-x86 debootstrap debian-archive-keyring cpio binutils python3
HIL_CACHE ?= $(HOME)/.cache/thermogate-hil
test-hil: deps
	$(call install_missing,$(HIL_APT_PACKAGES))
	$(SUDO) env HIL_CACHE=$(HIL_CACHE) bash hil/build-guest.sh
	$(SWIFT) build --product thermogate
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-static --product thermogate
	HIL_CACHE=$(HIL_CACHE) python3 hil/test_hil.py

## Core, driver and dispatcher benchmarks (release build): see README, Speed.
bench: deps
	@# SwiftPM keeps a stale source list for the path dependency when files are added to the main
	@# package; dropping the cached build description makes it list them again.
	rm -f Benchmarks/.build/release.yaml
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --scale --no-progress
	$(MAKE) --no-print-directory footprint
	$(MAKE) --no-print-directory bench-access

## Decision → relay at an access lane and a free-flow one on a real SQLite file, as the disk is
## and with every fdatasync/fsync made 100 ms slow by strace: denials and holds do not move,
## releases take the fsync (a release waits for its record).
bench-access: deps
	$(call install_missing,strace)
	cd Benchmarks && $(SWIFT) build -c release --product AccessLatency
	Benchmarks/.build/release/AccessLatency "as the disk is"
	strace -f -qq --seccomp-bpf -e trace=fdatasync,fsync -e inject=fdatasync:delay_enter=100000 \
	  -e inject=fsync:delay_enter=100000 -o /dev/null Benchmarks/.build/release/AccessLatency "fsync +100 ms"

## Resident memory and CPU of `thermogate run` with six simulated entrances at 10 Hz for a minute
## (release build; its own build folder so the debug build stays).
footprint: deps
	$(SWIFT) build -c release --scratch-path .build-release --product thermogate
	sh Benchmarks/Footprint/footprint.sh .build-release/release/thermogate 60

## Install the udev rules (group thermogate, mode 0660, /dev/thermogate/ links) and the
## hid_mcp2221 blacklist (udev-rules/blacklist-hid-mcp2221.conf), and apply the rules.
## UDEV_RULES_DIR, MODPROBE_DIR and UDEVADM can be overridden (packaging, tests).
UDEV_RULES_DIR ?= /etc/udev/rules.d
MODPROBE_DIR ?= /etc/modprobe.d
UDEVADM ?= udevadm
install-udev:
	@getent group thermogate >/dev/null || $(SUDO) groupadd --system thermogate
	$(SUDO) install -D -m 0644 udev-rules/70-thermogate.rules $(UDEV_RULES_DIR)/70-thermogate.rules
	$(SUDO) install -D -m 0644 udev-rules/blacklist-hid-mcp2221.conf $(MODPROBE_DIR)/thermogate.conf
	@# The blacklist stops autoloading; a driver already loaded is unloaded now (an initramfs that
	@# carries it needs `update-initramfs -u`).
	@if [ "$(MODPROBE_DIR)" = /etc/modprobe.d ] && lsmod 2>/dev/null | grep -q '^hid_mcp2221'; then \
	  $(SUDO) modprobe -r hid_mcp2221 && echo "hid_mcp2221 unloaded; replug MCP2221 bridges"; fi
	@if [ -S /run/udev/control ]; then \
	  $(SUDO) $(UDEVADM) control --reload && \
	  $(SUDO) $(UDEVADM) trigger --action=add --subsystem-match=usb --subsystem-match=tty --subsystem-match=input; \
	  echo "rules applied; replug devices that were open"; \
	else \
	  echo "no udev daemon here: the rules apply at its next start"; \
	fi
	@echo "add the gateway's user to group thermogate: sudo usermod -aG thermogate USER"

## Install the daemon: release binary, systemd unit, udev rules, example configuration, the
## thermogate system user. DESTDIR stages a package; INSTALL_BIN installs an already built binary.
PREFIX ?= /usr/local
SYSTEMD_DIR ?= /etc/systemd/system
CONFIG_DIR ?= /etc/thermogate
INSTALL_BIN ?= .build/release/thermogate
# Writing into a DESTDIR needs no privileges; installing on this machine does.
INSTALL_SUDO = $(if $(DESTDIR),,$(SUDO))
install:
	@# Staging into DESTDIR (packaging) installs nothing on this machine, apt packages included.
	@if [ -z "$(DESTDIR)" ]; then $(MAKE) --no-print-directory deps; fi
	@if [ "$(INSTALL_BIN)" = .build/release/thermogate ]; then $(SWIFT) build -c release; fi
	$(INSTALL_SUDO) install -D -m 0755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/thermogate
	$(INSTALL_SUDO) mkdir -p $(DESTDIR)$(SYSTEMD_DIR)
	sed -e 's|/usr/local|$(PREFIX)|g' -e 's|/etc/thermogate|$(CONFIG_DIR)|g' systemd/thermogate.service \
	  | $(INSTALL_SUDO) tee $(DESTDIR)$(SYSTEMD_DIR)/thermogate.service >/dev/null
	$(INSTALL_SUDO) chmod 0644 $(DESTDIR)$(SYSTEMD_DIR)/thermogate.service
	$(INSTALL_SUDO) install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/thermogate/README.md
	$(INSTALL_SUDO) install -D -m 0644 hardware-notes.md $(DESTDIR)$(PREFIX)/share/doc/thermogate/hardware-notes.md
	@# An existing configuration is never overwritten.
	@if [ ! -e $(DESTDIR)$(CONFIG_DIR)/thermogate.yaml ]; then \
	  $(INSTALL_SUDO) install -D -m 0640 examples/thermogate.yaml $(DESTDIR)$(CONFIG_DIR)/thermogate.yaml; fi
	@if [ -z "$(DESTDIR)" ]; then \
	  getent group thermogate >/dev/null || $(SUDO) groupadd --system thermogate; \
	  getent passwd thermogate >/dev/null || $(SUDO) useradd --system --gid thermogate \
	    --home-dir /var/lib/thermogate --no-create-home --shell /usr/sbin/nologin thermogate; \
	  $(SUDO) chgrp thermogate $(CONFIG_DIR)/thermogate.yaml; \
	  $(MAKE) --no-print-directory install-udev; \
	  if [ -d /run/systemd/system ]; then $(SUDO) systemctl daemon-reload; fi; \
	  echo "edit $(CONFIG_DIR)/thermogate.yaml, then: systemctl enable --now thermogate"; \
	else \
	  install -D -m 0644 udev-rules/70-thermogate.rules $(DESTDIR)/etc/udev/rules.d/70-thermogate.rules; \
	  install -D -m 0644 udev-rules/blacklist-hid-mcp2221.conf $(DESTDIR)/etc/modprobe.d/thermogate.conf; \
	fi

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Benchmarks

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Benchmarks

clean:
	rm -rf .build Benchmarks/.build

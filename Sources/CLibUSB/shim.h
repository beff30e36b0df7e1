#ifndef THERMOGATE_CLIBUSB_SHIM_H
#define THERMOGATE_CLIBUSB_SHIM_H
#include <libusb-1.0/libusb.h>
#endif

#ifndef THERMOGATE_CUDEV_SHIM_H
#define THERMOGATE_CUDEV_SHIM_H
#include <libudev.h>
#endif

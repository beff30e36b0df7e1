#ifndef THERMOGATE_CMOSQUITTO_SHIM_H
#define THERMOGATE_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#endif

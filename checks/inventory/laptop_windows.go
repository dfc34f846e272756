package inventory

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/windows"
)

var getSystemPowerStatus = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetSystemPowerStatus")

// systemPowerStatus is SYSTEM_POWER_STATUS.
type systemPowerStatus struct {
	ACLineStatus, BatteryFlag, BatteryLifePercent, SystemStatusFlag byte
	BatteryLifeTime, BatteryFullLifeTime                            uint32
}

// laptop reports whether Windows sees a system battery.
func laptop() (bool, error) {
	var s systemPowerStatus
	if ok, _, err := getSystemPowerStatus.Call(uintptr(unsafe.Pointer(&s))); ok == 0 {
		return false, err
	}
	switch s.BatteryFlag {
	case 128: // no system battery
		return false, nil
	case 255:
		return false, errors.New("battery status unknown")
	}
	return true, nil
}

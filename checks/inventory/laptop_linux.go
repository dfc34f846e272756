package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// portable are the SMBIOS chassis types of portable machines: portable,
// laptop, notebook, hand held, sub notebook, tablet, convertible, detachable.
var portable = []int{8, 9, 10, 11, 14, 30, 31, 32}

// laptop reports whether the machine has a system battery or a portable
// chassis, from /sys.
func laptop() (bool, error) {
	supplies, _ := filepath.Glob("/sys/class/power_supply/*")
	for _, s := range supplies {
		kind, _ := os.ReadFile(filepath.Join(s, "type"))
		scope, _ := os.ReadFile(filepath.Join(s, "scope")) // "Device" for a wireless mouse's battery
		if strings.TrimSpace(string(kind)) == "Battery" && strings.TrimSpace(string(scope)) != "Device" {
			return true, nil
		}
	}
	b, err := os.ReadFile("/sys/class/dmi/id/chassis_type")
	if err != nil {
		return false, errors.New("no battery and chassis type unknown")
	}
	t, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return false, errors.New("no battery and chassis type unknown")
	}
	return slices.Contains(portable, t), nil
}

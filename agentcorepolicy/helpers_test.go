package agentcorepolicy

import (
	"errors"
	"fmt"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

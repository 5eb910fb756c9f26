package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/policy"
)

// OrganizationDir is the folder of an organization directory that holds
// its SCPs and RCPs.
const OrganizationDir = "organization"

// Organization is the SCPs and RCPs applied to every account audited.
type Organization struct {
	SCPs, RCPs [][]*policy.Document
}

// Inputs are the account files named on a command line and the
// organization policies found next to them.
type Inputs struct {
	Files []string
	Org   *Organization
}

// FindInputs expands the paths: a file is one account; a directory holds
// one account file (*.json) per account, and optionally an
// "organization" folder of SCPs and RCPs (see ReadOrganization).
// Accounts are read later, one at a time, so that memory holds one.
func FindInputs(paths []string) (*Inputs, error) {
	in := &Inputs{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInput, err)
		}
		if !st.IsDir() {
			in.Files = append(in.Files, p)
			continue
		}
		files, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%w: directory %s has no account file (*.json, the output of aws iam get-account-authorization-details)", ErrInput, p)
		}
		sort.Strings(files)
		in.Files = append(in.Files, files...)
		org := filepath.Join(p, OrganizationDir)
		if st, err := os.Stat(org); err == nil && st.IsDir() {
			if in.Org, err = ReadOrganization(org); err != nil {
				return nil, err
			}
		}
	}
	return in, nil
}

// ReadOrganization reads the SCPs and RCPs of an organization folder:
// one subfolder per level of the hierarchy, applied in the order of
// their names (root first: "1-root", "2-ou-prod" ...), each holding
// policy files; a file whose name starts with "rcp" is an RCP, every
// other *.json an SCP. Every account audited is taken to be under every
// level (one OU path for the whole directory).
func ReadOrganization(dir string) (*Organization, error) {
	levels, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	org := &Organization{}
	for _, l := range levels {
		if !l.IsDir() {
			continue
		}
		files, err := filepath.Glob(filepath.Join(dir, l.Name(), "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		var scps, rcps []*policy.Document
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrInput, err)
			}
			d, err := policy.Parse(f, src)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrInput, err)
			}
			if strings.HasPrefix(strings.ToLower(filepath.Base(f)), "rcp") {
				rcps = append(rcps, d)
			} else {
				scps = append(scps, d)
			}
		}
		// A level without SCP files is taken to have FullAWSAccess only,
		// which restricts nothing, so it is left out.
		if len(scps) > 0 {
			org.SCPs = append(org.SCPs, scps)
		}
		if len(rcps) > 0 {
			org.RCPs = append(org.RCPs, rcps)
		}
	}
	return org, nil
}

// ReadAccountFile reads one account file and applies the organization's
// policies to it.
func ReadAccountFile(file string, org *Organization) (*Account, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	a, err := ReadDetails(file, src)
	if err != nil {
		return nil, err
	}
	if org != nil {
		a.SCPs, a.RCPs = org.SCPs, org.RCPs
	}
	return a, nil
}

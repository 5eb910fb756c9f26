package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/audit"
	"github.com/agentiam/agentiam/audit/live"
	"github.com/agentiam/agentiam/audit/report"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/spf13/cobra"
)

func init() { register("audit", newAuditCmd) }

type auditFlags struct {
	format, failOn, output, region, profile, endpointURL, toolkit string
	live, printPolicy, noTrace                                    bool
}

var auditFormats = []string{"text", "json", "jsonl", "sarif", "html"}

func newAuditCmd(e *env) *cobra.Command {
	var f auditFlags
	cmd := &cobra.Command{
		Use:   "audit [flags] FILE|DIR...",
		Short: "Find every agent-related IAM risk of an account or organization, each proven by the evaluator",
		Long: `Audit an AWS account for what is dangerous for, or because of, AI agents
on Amazon Bedrock AgentCore and Bedrock Agents:

  confused-deputy        a role that bedrock-agentcore.amazonaws.com or
                         bedrock.amazonaws.com can assume for another
                         account's runtime or agent (no aws:SourceAccount /
                         aws:SourceArn binding)
  over-privileged-agent  an agent role that is administrator-equivalent,
                         manages Bedrock or AgentCore (bedrock:*,
                         bedrock-agentcore:*), invokes every model, writes
                         IAM, reads other agents' memories, logs or images,
                         or gets tokens for any user
  privilege-escalation   a principal that can pass an agent role to
                         AgentCore or Bedrock and create or update a code
                         interpreter, runtime, browser, gateway or agent
                         with it (gaining what the role can do), or that
                         can change an agent role's policies
  data-exfiltration, credential-exposure
                         an agent role that reads every object, key,
                         secret, parameter or credential provider
  public-access          a role any AWS account can assume

An agent role is one whose trust policy names an agent service. Every
finding is decided by agentiam's evaluator on the principal's effective
permissions (identity policies, group policies, permissions boundary,
SCPs and RCPs, explicit denies and conditions all applied), and carries
the request that proves it, in the schema of "simulate --batch", with
the statements that grant it. A candidate that a deny, a boundary, an
organization policy or a condition defeats is not reported; the summary
counts them.

FILE is the output of
  aws iam get-account-authorization-details --output json > account.json
A DIR holds one such file per account (*.json), read one account at a
time, and optionally an "organization" folder: one subfolder per level
of the hierarchy, root first in name order ("1-root", "2-ou-prod"), each
with SCP files (*.json) and RCP files (rcp*.json), applied to every
account of the directory.

With --live the account is read instead with the AWS SDK: IAM's
GetAccountAuthorizationDetails (every page, throttling retried with
back-off), and the AgentCore runtimes, gateways, code interpreters and
browsers and the Bedrock agents of --region, so that a role they run as
is an agent role whatever its trust policy says. Credentials come from
the standard chain (environment, shared config and --profile, SSO, the
instance or task role). Every call is read-only: --print-policy prints
exactly the IAM policy they need. A service that cannot be read (not in
the region, access denied) is reported as a warning and skipped.

With --toolkit FILE (the starter toolkit's .bedrock_agentcore.yaml, as
"agentiam import" reads it), an over-privileged-agent finding on a role
agentiam would generate for one of its agents shows that role and the
statements to remove: those granting the finding's request, which the
generated role denies.

Formats: text (grouped by principal, worst first), json
({"findings": [...], "summary": {...}, "reach": [...]}), jsonl (one
line per account, then a roll-up summary line), sarif, and html (one
self-contained page; with -o FILE).

Exit codes: 0 when no finding is at or above --fail-on, 1 when one is,
2 for usage and input errors.`,
		Example: `  aws iam get-account-authorization-details --output json > account.json
  agentiam audit account.json
  agentiam audit --format json account.json > findings.json
  agentiam audit --format sarif accounts/ > audit.sarif        # a directory of accounts
  agentiam audit --format html -o report.html account.json
  agentiam audit --fail-on critical account.json               # CI gate on the worst only
  agentiam audit --print-policy                                # the read-only policy --live needs
  agentiam audit --live --profile prod --region us-west-2      # read the account itself
  agentiam audit --toolkit .bedrock_agentcore.yaml account.json # with the roles agentiam would generate`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAudit(cmd.Context(), e, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "text", "output format: "+strings.Join(auditFormats, ", "))
	fl.StringVarP(&f.output, "output", "o", "-", fmt.Sprintf(outputHelp, "audit.FORMAT (audit.html, audit.json ...)"))
	fl.StringVar(&f.failOn, "fail-on", "high", "exit 1 when a finding has this severity or higher: critical, high, medium, low or info")
	fl.StringVar(&f.region, "region", "", "region of the requests that probe a principal whose policies name no region (default us-east-1); with --live also the region read")
	fl.BoolVar(&f.noTrace, "no-trace", false, "leave the evaluator's trace out of JSON and HTML findings")
	fl.BoolVar(&f.printPolicy, "print-policy", false, "print the read-only IAM policy that --live needs, and exit")
	fl.BoolVar(&f.live, "live", false, "read the account with the AWS SDK (standard credential chain) instead of files")
	fl.StringVar(&f.profile, "profile", "", "with --live: the AWS profile to use")
	fl.StringVar(&f.endpointURL, "endpoint-url", "", "with --live: send every AWS call to this URL, for testing against a local stand-in such as moto_server")
	_ = fl.MarkHidden("endpoint-url")
	fl.StringVar(&f.toolkit, "toolkit", "", "the starter toolkit's .bedrock_agentcore.yaml: show the role agentiam would generate for each over-privileged agent role it names")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(auditFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"critical", "high", "medium", "low", "info"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runAudit(ctx context.Context, e *env, f auditFlags, args []string) error {
	if f.printPolicy {
		_, err := e.stdout.Write(audit.ReadOnlyPolicy())
		return err
	}
	if !slices.Contains(auditFormats, f.format) {
		return usageError(fmt.Errorf("--format must be one of %s, not %q", strings.Join(auditFormats, ", "), f.format))
	}
	failOn, err := audit.ParseSeverity(f.failOn)
	if err != nil {
		return usageError(fmt.Errorf("--fail-on: %w", err))
	}
	sources, err := auditSources(ctx, e, f, args)
	if err != nil {
		return err
	}
	path, dir := outputPath(f.output, "audit."+auditExt(f.format))
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	out, closeOut, err := openOutput(e, path)
	if err != nil {
		return usageError(err)
	}
	generated, err := toolkitRoles(e, f.toolkit)
	if err != nil {
		return err
	}
	r, err := auditAll(e, f, sources, generated, out)
	if cerr := closeOut(err == nil); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, fd := range r.Findings {
		if fd.Severity >= failOn {
			return withCode(ExitFindings, nil)
		}
	}
	if f.format == "jsonl" && r.Summary.BySeverity != nil {
		for name, n := range r.Summary.BySeverity {
			if s, _ := audit.ParseSeverity(name); n > 0 && s >= failOn {
				return withCode(ExitFindings, nil)
			}
		}
	}
	return nil
}

// accountSource is an account to audit: its name, and how to read it
// when its turn comes.
type accountSource struct {
	name string
	read func() (*audit.Account, error)
}

// auditSources checks the arguments and lists the accounts to audit.
func auditSources(ctx context.Context, e *env, f auditFlags, args []string) ([]accountSource, error) {
	if f.live {
		if len(args) > 0 {
			return nil, usageError(errors.New("--live reads the account itself: give no FILE or DIR with it"))
		}
		return []accountSource{{name: "live", read: func() (*audit.Account, error) { return readLive(ctx, e, f) }}}, nil
	}
	if f.profile != "" || f.endpointURL != "" {
		return nil, usageError(errors.New("--profile and --endpoint-url go with --live"))
	}
	if len(args) == 0 {
		return nil, usageError(errors.New("audit needs FILE or DIR (the output of aws iam get-account-authorization-details), or --live"))
	}
	in, err := audit.FindInputs(args)
	if err != nil {
		return nil, usageError(err)
	}
	out := make([]accountSource, len(in.Files))
	for i, file := range in.Files {
		out[i] = accountSource{name: file, read: func() (*audit.Account, error) {
			a, err := audit.ReadAccountFile(file, in.Org)
			if err != nil {
				return nil, usageError(err)
			}
			return a, nil
		}}
	}
	return out, nil
}

// readLive reads the account with the AWS SDK; a part that cannot be
// read is a warning.
func readLive(ctx context.Context, e *env, f auditFlags) (*audit.Account, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := live.LoadConfig(ctx, live.Options{Profile: f.profile, Region: f.region, EndpointURL: f.endpointURL})
	if err != nil {
		return nil, usageError(err)
	}
	res, err := live.Read(ctx, cfg)
	if err != nil {
		return nil, usageError(err) // an I/O error: exit 2
	}
	for _, g := range res.Gaps {
		fmt.Fprintf(e.notes(), "audit: warning: %v; roles it names are known as agent roles only by their trust policies\n", g)
	}
	return res.Account, nil
}

// toolkitRoles generates the roles of a starter-toolkit project, as
// "agentiam generate --from-toolkit" does; nil without --toolkit.
func toolkitRoles(e *env, file string) (map[string]*audit.GeneratedRole, error) {
	if file == "" {
		return nil, nil
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, usageError(err)
	}
	_, spec, err := agentspec.ImportToolkit(file, src)
	if err != nil {
		return nil, reportSpecError(e, file, src, err)
	}
	printDiagnostics(e.notes(), file, src, spec.Warnings)
	plan, err := rolegen.Generate(spec)
	if err != nil {
		return nil, usageError(fmt.Errorf("%s: %w", file, err))
	}
	return audit.GeneratedRoles(file, plan), nil
}

// auditAll audits the accounts one at a time; with jsonl each account's
// line is written as soon as it is done and its findings dropped.
func auditAll(e *env, f auditFlags, sources []accountSource, generated map[string]*audit.GeneratedRole, out io.Writer) (*audit.Report, error) {
	a := audit.New(audit.Options{Region: f.region, NoTrace: f.noTrace, Generated: generated})
	total := &audit.Report{Findings: []*audit.Finding{}}
	progress := isCharDevice(e.stderr)
	for i, src := range sources {
		if len(sources) > 1 && progress && !e.quiet {
			fmt.Fprintf(e.stderr, "\raudit: account %d/%d %s\x1b[K", i+1, len(sources), src.name)
		}
		acct, err := src.read()
		if err != nil {
			return nil, err
		}
		r, err := a.Audit(acct)
		if err != nil {
			return nil, usageError(fmt.Errorf("%s: %w", src.name, err))
		}
		if f.format == "jsonl" {
			if err := report.JSONLine(out, r); err != nil {
				return nil, err
			}
			r.Findings, r.Reach = nil, nil
		}
		total.Merge(r)
		if len(sources) > 1 {
			// The account just audited is garbage now: collect it before
			// reading the next, so that the peak is one account's, not
			// one account's plus the garbage of the last.
			acct, r = nil, nil
			debug.FreeOSMemory()
		}
	}
	if len(sources) > 1 && progress && !e.quiet {
		fmt.Fprint(e.stderr, "\r\x1b[K")
	}
	return total, writeAudit(f, total, out)
}

func writeAudit(f auditFlags, r *audit.Report, out io.Writer) error {
	switch f.format {
	case "json":
		return report.JSON(out, r)
	case "jsonl":
		return report.JSONLine(out, &audit.Report{Findings: []*audit.Finding{}, Summary: r.Summary})
	case "sarif":
		return report.SARIF(out, r, version())
	case "html":
		return report.HTML(out, r, version())
	}
	return report.Text(out, r)
}

// auditExt is the extension of the report file of a format.
func auditExt(format string) string {
	if format == "text" {
		return "txt"
	}
	return format
}

// openOutput opens -o: standard output for "-", else a temporary file
// renamed into place on success, so that nothing is half-written.
func openOutput(e *env, path string) (io.Writer, func(ok bool) error, error) {
	if path == "-" || path == "" {
		return e.stdout, func(bool) error { return nil }, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".agentiam-audit-*")
	if err != nil {
		return nil, nil, err
	}
	return tmp, func(ok bool) error {
		if cerr := tmp.Close(); cerr != nil || !ok {
			os.Remove(tmp.Name())
			return cerr
		}
		return os.Rename(tmp.Name(), path)
	}, nil
}

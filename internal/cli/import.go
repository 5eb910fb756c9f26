package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/internal/atomicfile"
	"github.com/spf13/cobra"
)

func init() { register("import", newImportCmd) }

func newImportCmd(e *env) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "import [TOOLKIT-FILE]",
		Short: "Convert the starter toolkit's .bedrock_agentcore.yaml into agentiam.yaml",
		Long: `Read the Bedrock AgentCore starter toolkit's project file (default
./.bedrock_agentcore.yaml, written by "agentcore configure" and updated by
"agentcore launch") and write the equivalent agentiam.yaml: its agents,
account, regions, ECR repositories, CodeBuild settings, memories,
credential providers, VPC mode and observability.

An execution role the toolkit created (its deterministic name
AmazonBedrockAgentCoreSDKRuntime-{region}-{hash}) is not kept: agentiam
generates a least-privilege role with the same name to replace it. Any
other execution role is kept (execution_role: in the spec) and listed for
verification instead of being generated; so is a CodeBuild role.

The toolkit file does not record which models an agent calls: add them
under models before generating, or the role grants no model access.
Notes and warnings point at the toolkit file's lines; a key the toolkit's
schema does not have is a warning, with the key it most likely means.

The spec goes to ./agentiam.yaml; -o names another file, a directory
(which receives agentiam.yaml), or - for standard output. An existing
file is replaced only with --force.

"agentiam generate --from-toolkit FILE" does the same conversion in memory
and generates directly.`,
		Example: `  agentiam import                              # ./.bedrock_agentcore.yaml -> ./agentiam.yaml
  agentiam import path/to/.bedrock_agentcore.yaml -o agentiam.yaml --force
  agentiam import -o -                         # print the spec instead
  agentiam import -o infra/                    # writes infra/agentiam.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := agentspec.ToolkitFile
			if len(args) == 1 {
				in = args[0]
			}
			src, err := os.ReadFile(in)
			if errors.Is(err, os.ErrNotExist) && len(args) == 0 {
				return usageError(fmt.Errorf("no %s here: run it in the project `agentcore configure` set up, or name the file", agentspec.ToolkitFile))
			}
			if err != nil {
				return usageError(err)
			}
			text, spec, err := agentspec.ImportToolkit(in, src)
			if err != nil {
				return reportSpecError(e, in, src, err)
			}
			printDiagnostics(e.notes(), in, src, spec.Warnings)
			return writeSpec(e, out, force, text, fmt.Sprintf("imported %s from %s", plural(len(spec.Agents), "agent"), in))
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", agentspec.DefaultFile, fmt.Sprintf(outputHelp, agentspec.DefaultFile))
	cmd.Flags().BoolVar(&force, "force", false, "replace the output file if it exists")
	return cmd
}

// writeSpec writes a spec to -o (a file, a directory that receives
// agentiam.yaml, or "-" for standard output), refusing to replace an
// existing file unless forced.
func writeSpec(e *env, out string, force bool, text []byte, what string) error {
	path, dir := outputPath(out, agentspec.DefaultFile)
	if path == "" {
		_, err := e.stdout.Write(text)
		return err
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return usageError(err)
		}
	}
	if _, err := os.Stat(path); err == nil && !force {
		return usageError(fmt.Errorf("%s exists; --force replaces it, -o names another file", path))
	}
	if err := atomicfile.Write(path, text); err != nil {
		return usageError(err)
	}
	fmt.Fprintf(e.notes(), "agentiam: %s into %s; next: review it, then `agentiam generate -f %s`\n", what, path, path)
	return nil
}

// Command pulumi-language-nodejs is the Node.js language host that the Pulumi CLI built in this folder
// starts for Node.js programs and Node.js policy packs.
//
// Why it exists: Pulumi's own host is the Go module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which has no version tags; the Go
// module proxy these machines reach answers 403 for every version of it (tags, pseudo-versions and the
// version list alike), and sdk/v3 stopped carrying the host as a package after v3.68.0, whose host
// answers RunPlugin with "not supported" (the CLI at v3.248.0 starts Node.js policy packs through
// RunPlugin). Everything above this host, the engine, the plan, the policy config validation, the
// Analyzer client and the display, is the real CLI at v3.248.0.
//
// What it does is what Pulumi's host does for the parts carbonguard's tests use, read from the
// @pulumi/pulumi 3.248.0 package this project pins and the CLI's own calls in sdk/v3:
//   - Run: `node <@pulumi/pulumi>/cmd/run <flags> <entry point>` with PULUMI_CONFIG and
//     PULUMI_CONFIG_SECRET_KEYS in the environment; exit code 32 means "already reported" (bail).
//   - RunPlugin with kind "analyzer": `node <@pulumi/pulumi>/cmd/run-policy-pack <engine> <packDir>`
//     with the pack folder as working directory, stdout and stderr streamed back, then the exit code.
//   - GetRequiredPackages: the node_modules packages whose package.json says `"pulumi": {"resource":
//     true}`, as name and version, so the CLI can check the provider plugins are installed.
//   - InstallDependencies: `npm install` in the folder (what policy-pack enforcement asks for).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set at build time to the CLI's version, as Pulumi's build does for its hosts.
var version = "3.248.0"

// exitAfterUserActionableMessage is @pulumi/pulumi's code for "the error was already shown".
const exitAfterUserActionableMessage = 32

func main() {
	engineAddress := ""
	// The CLI passes logging and tracing flags first and the engine address last; no flag this host
	// needs, so flags are skipped rather than parsed (an unknown flag must not stop a preview).
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--tracing" || arg == "-tracing" {
			i++
			continue
		}
		if strings.HasPrefix(arg, "-") {
			continue
		}
		engineAddress = arg
	}

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not find node on the $PATH: %v\n", err)
		os.Exit(1)
	}

	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{nodeBin: nodeBin, engineAddress: engineAddress})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The CLI reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: stopped serving: %v\n", err)
		os.Exit(1)
	}
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	nodeBin string

	mu            sync.Mutex
	engineAddress string
}

func (h *host) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *host) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command(h.nodeBin, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: h.nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	packages, err := pulumiPackages(programDir(req.GetInfo()))
	if err != nil {
		return nil, err
	}
	deps := make([]*pulumirpc.DependencyInfo, 0, len(packages))
	for _, p := range packages {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: p.npmName, Version: p.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	packages, err := pulumiPackages(programDir(req.GetInfo()))
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(packages))
	for _, p := range packages {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.pluginName(), Kind: "resource", Version: "v" + p.pluginVersion(), Server: p.Pulumi.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	packages, err := pulumiPackages(programDir(req.GetInfo()))
	if err != nil {
		return nil, err
	}
	deps := make([]*pulumirpc.PackageDependency, 0, len(packages))
	for _, p := range packages {
		deps = append(deps, &pulumirpc.PackageDependency{
			Name: p.pluginName(), Kind: "resource", Version: p.pluginVersion(), Server: p.Pulumi.Server,
		})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: deps}, nil
}

func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	dir := req.GetDirectory()
	if info := req.GetInfo(); info != nil && info.GetProgramDirectory() != "" {
		dir = info.GetProgramDirectory()
	}
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	stdout := &streamWriter{send: func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b})
	}}
	stderr := &streamWriter{send: func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b})
	}}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install in %s: %w", dir, err)
	}
	return nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := programDir(req.GetInfo())
	if dir == "" {
		dir = req.GetPwd()
	}
	runPath, err := resolveModule(dir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "It looks like the Pulumi SDK has not been installed. " +
			"Have you run npm install or yarn install? (" + err.Error() + ")"}, nil
	}

	args := []string{runPath}
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engine())
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("stack", req.GetStack())
	flag("pwd", req.GetPwd())
	if info := req.GetInfo(); info != nil {
		flag("root-directory", info.GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flag("query-mode", strconv.FormatBool(req.GetQueryMode()))
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	entry := req.GetProgram()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, fmt.Errorf("serializing config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("serializing config secret keys: %w", err)
	}

	env := append(os.Environ(), "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	options := runtimeOptions(req.GetInfo())
	// As in Pulumi's host: TypeScript is on unless the project's runtime options turn it off.
	if ts, ok := options["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	nodeArgs := []string{}
	if extra, ok := options["nodeargs"].(string); ok && extra != "" {
		nodeArgs = strings.Fields(extra)
	}

	cmd := exec.CommandContext(ctx, h.nodeBin, append(nodeArgs, args...)...)
	cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdout, os.Stderr, env
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitAfterUserActionableMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	dir := programDir(req.GetInfo())
	if dir == "" {
		return errors.New("RunPlugin: no program directory")
	}
	var args []string
	switch req.GetKind() {
	case "analyzer":
		runPolicyPack, err := resolveModule(dir, "@pulumi/pulumi/cmd/run-policy-pack")
		if err != nil {
			// Same words as the CLI's own hint, so a user knows what to do.
			return fmt.Errorf("it looks like the policy pack's dependencies are not installed; "+
				"try running npm install or yarn install in %q", dir)
		}
		// The engine address is the last of the CLI's arguments; logging flags go before it, and
		// run-policy-pack reads its positional arguments as <engine> <program>.
		args = append([]string{runPolicyPack}, req.GetArgs()...)
		args = append(args, dir)
	default:
		// A plugin written in Node.js (a provider, say): its package's main module.
		args = append([]string{dir}, req.GetArgs()...)
	}

	cmd := exec.CommandContext(server.Context(), h.nodeBin, args...)
	cmd.Dir = dir
	if env := req.GetEnv(); len(env) > 0 {
		cmd.Env = env
	}
	var sendMu sync.Mutex
	send := func(msg *pulumirpc.RunPluginResponse) error {
		sendMu.Lock()
		defer sendMu.Unlock()
		return server.Send(msg)
	}
	cmd.Stdout = &streamWriter{send: func(b []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	}}
	cmd.Stderr = &streamWriter{send: func(b []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	}}
	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("running %s: %w", args[0], err)
		}
		code = exitErr.ExitCode()
	}
	return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

// streamWriter forwards each write as one gRPC message (copied: the caller reuses its buffer).
type streamWriter struct{ send func([]byte) error }

func (w *streamWriter) Write(p []byte) (int, error) {
	if err := w.send(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

var _ io.Writer = (*streamWriter)(nil)

func programDir(info *pulumirpc.ProgramInfo) string {
	if info == nil {
		return ""
	}
	return info.GetProgramDirectory()
}

func runtimeOptions(info *pulumirpc.ProgramInfo) map[string]any {
	if info == nil || info.GetOptions() == nil {
		return map[string]any{}
	}
	return info.GetOptions().AsMap()
}

// resolveModule finds <dir or an ancestor>/node_modules/<module>/index.js, as Node's resolution does
// for a package path.
func resolveModule(dir, module string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", filepath.FromSlash(module), "index.js")
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s not found in node_modules of %s or its parents", module, abs)
		}
	}
}

type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
	npmName string
}

func (p packageJSON) pluginName() string {
	if p.Pulumi.Name != "" {
		return p.Pulumi.Name
	}
	name := strings.TrimPrefix(p.Name, "@pulumi/")
	return strings.TrimPrefix(name, "@")
}

func (p packageJSON) pluginVersion() string {
	v := p.Pulumi.Version
	if v == "" {
		v = p.Version
	}
	return strings.TrimPrefix(v, "v")
}

// pulumiPackages lists the packages in the program's node_modules (top level and scopes) that
// declare a resource plugin.
func pulumiPackages(dir string) ([]packageJSON, error) {
	if dir == "" {
		return nil, nil
	}
	root := filepath.Join(dir, "node_modules")
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var folders []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "@") {
			scoped, err := os.ReadDir(filepath.Join(root, e.Name()))
			if err != nil {
				continue
			}
			for _, s := range scoped {
				folders = append(folders, filepath.Join(root, e.Name(), s.Name()))
			}
		} else if !strings.HasPrefix(e.Name(), ".") {
			folders = append(folders, filepath.Join(root, e.Name()))
		}
	}
	sort.Strings(folders)
	var out []packageJSON
	for _, folder := range folders {
		b, err := os.ReadFile(filepath.Join(folder, "package.json"))
		if err != nil {
			continue
		}
		var p packageJSON
		if json.Unmarshal(b, &p) != nil || !p.Pulumi.Resource {
			continue
		}
		p.npmName = p.Name
		out = append(out, p)
	}
	return out, nil
}

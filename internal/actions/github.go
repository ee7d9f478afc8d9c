package actions

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// GitHub is the GitHub Actions runner's environment.
type GitHub struct {
	// Repository is owner/name (GITHUB_REPOSITORY).
	Repository string
	// APIURL and ServerURL are the REST API and web URLs
	// (GITHUB_API_URL, GITHUB_SERVER_URL).
	APIURL, ServerURL string
	// EventName and EventPath are the triggering event's name and the
	// file holding its payload (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH).
	EventName, EventPath string
	// OutputFile and SummaryFile receive step outputs and the step
	// summary (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY); empty skips them.
	OutputFile, SummaryFile string
	// Commands receives workflow commands (::error::, ::add-mask::).
	Commands io.Writer
}

// DetectGitHub returns the runner's environment when running inside
// GitHub Actions (GITHUB_ACTIONS=true), else nil. Workflow commands go to
// commands (the runner reads them from stdout and stderr alike; promote
// keeps stdout for data).
func DetectGitHub(getenv func(string) string, commands io.Writer) *GitHub {
	if getenv("GITHUB_ACTIONS") != "true" {
		return nil
	}
	return &GitHub{
		Repository: getenv("GITHUB_REPOSITORY"), APIURL: getenv("GITHUB_API_URL"), ServerURL: getenv("GITHUB_SERVER_URL"),
		EventName: getenv("GITHUB_EVENT_NAME"), EventPath: getenv("GITHUB_EVENT_PATH"),
		OutputFile: getenv("GITHUB_OUTPUT"), SummaryFile: getenv("GITHUB_STEP_SUMMARY"), Commands: commands,
	}
}

// Output is one step output.
type Output struct {
	Name, Value string
}

// SetOutputs appends outputs to $GITHUB_OUTPUT, each as
// name<<DELIMITER / value / DELIMITER with a random delimiter that
// occurs in no value, so that multi-line values (JSON) are safe.
func (g *GitHub) SetOutputs(outputs ...Output) error {
	if g.OutputFile == "" {
		return nil
	}
	var b strings.Builder
	for _, o := range outputs {
		delim, err := delimiter(o.Name + o.Value)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, delim, o.Value, delim)
	}
	return appendFile(g.OutputFile, b.String(), "GITHUB_OUTPUT")
}

// delimiter is ghadelimiter_<random hex> that does not occur in s.
func delimiter(s string) (string, error) {
	for {
		buf := make([]byte, 16)
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("random delimiter: %w", err)
		}
		d := "ghadelimiter_" + hex.EncodeToString(buf)
		if !strings.Contains(s, d) {
			return d, nil
		}
	}
}

// Summary appends markdown to the step summary.
func (g *GitHub) Summary(markdown string) error {
	if g.SummaryFile == "" {
		return nil
	}
	return appendFile(g.SummaryFile, strings.TrimRight(markdown, "\n")+"\n", "GITHUB_STEP_SUMMARY")
}

func appendFile(name, data, what string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", what, err)
	}
	return f.Close()
}

// Error writes an error annotation; file and line place it in the
// pull request's diff view when known (line 0: the whole file).
func (g *GitHub) Error(file string, line int, msg string) {
	var props []string
	if file != "" {
		props = append(props, "file="+escapeProperty(file))
		if line > 0 {
			props = append(props, fmt.Sprintf("line=%d", line))
		}
	}
	props = append(props, "title=promote")
	fmt.Fprintf(g.Commands, "::error %s::%s\n", strings.Join(props, ","), escapeData(msg))
}

// Mask tells the runner to hide value in the log from now on.
func (g *GitHub) Mask(value string) {
	if value = strings.TrimSpace(value); value == "" {
		return
	}
	for _, line := range strings.Split(value, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintf(g.Commands, "::add-mask::%s\n", escapeData(line))
		}
	}
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

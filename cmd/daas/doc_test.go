package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDocListsEveryCommand: the package doc (go doc ./cmd/daas) and the
// command's README list every command of the tree, and the repository's
// README names each group and verb and links the command's README.
func TestDocListsEveryCommand(t *testing.T) {
	var root cli
	parser, err := kong.New(&root, kong.Name("daas"))
	require.NoError(t, err)
	doc, readme, section := docs(t)
	var leaves []string
	var walk func(n *kong.Node, path string)
	walk = func(n *kong.Node, path string) {
		if len(n.Children) == 0 {
			leaves = append(leaves, path)
			return
		}
		for _, c := range n.Children {
			walk(c, strings.TrimSpace(path+" "+c.Name))
		}
	}
	walk(parser.Model.Node, "")
	assert.Len(t, leaves, 19, "%q", leaves)
	for _, cmd := range leaves {
		assert.True(t, strings.Contains(doc, "//\t"+cmd), "doc.go does not list %q", cmd)
		assert.True(t, strings.Contains(readme, "\n"+cmd), "cmd/daas/README.md does not list %q", cmd)
		group, verb, _ := strings.Cut(cmd, " ")
		if verb == "" {
			verb = group
		}
		assert.True(t, strings.Contains(section, group) && strings.Contains(section, verb),
			"README's The daas command does not name %q", cmd)
	}
	assert.Contains(t, section, "(cmd/daas/README.md)")
}

// TestDocExitCodes: doc.go and both READMEs list every exit code, and the
// order of severity of several jobs as worst applies it.
func TestDocExitCodes(t *testing.T) {
	doc, readme, section := docs(t)
	for _, c := range []int{exitOK, exitError, exitUsage, exitConfig, exitFailed, exitCanceled, exitTimeout, exitWarning, exitInterrupted} {
		assert.Contains(t, doc, fmt.Sprintf("//\t%-4d ", c), "doc.go")
		assert.Contains(t, readme, fmt.Sprintf("\n| %d | ", c), "cmd/daas/README.md")
		assert.Contains(t, section, fmt.Sprintf("\n| %d | ", c), "README.md")
	}
	order := fmt.Sprint(severity)
	order = strings.ReplaceAll(strings.Trim(order, "[]"), " ", ", ")
	assert.Contains(t, strings.Join(strings.Fields(strings.ReplaceAll(doc, "//", "")), " "), order, "doc.go")
	assert.Contains(t, strings.Join(strings.Fields(readme), " "), order, "cmd/daas/README.md")
	assert.Contains(t, section, order, "README.md")
}

// docs are doc.go, cmd/daas/README.md and the repository README's section
// The daas command.
func docs(t *testing.T) (doc, readme, section string) {
	t.Helper()
	b, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	doc = string(b)
	b, err = os.ReadFile("README.md")
	require.NoError(t, err)
	readme = string(b)
	b, err = os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(b), "\n## The daas command\n")
	require.True(t, ok, "README has a section The daas command")
	section, _, _ = strings.Cut(section, "\n## ")
	return doc, readme, section
}

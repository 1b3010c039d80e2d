package main

import (
	"os"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDocListsEveryCommand: the package doc (go doc ./cmd/daas) names
// every command of the tree, and the README's command section too.
func TestDocListsEveryCommand(t *testing.T) {
	var root cli
	parser, err := kong.New(&root, kong.Name("daas"))
	require.NoError(t, err)
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## The daas command\n")
	require.True(t, ok, "README has a section The daas command")
	section, _, _ = strings.Cut(section, "\n## ")
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
		assert.True(t, strings.Contains(string(doc), "//\t"+cmd), "doc.go does not list %q", cmd)
		group, verb, _ := strings.Cut(cmd, " ")
		if verb == "" {
			verb = group
		}
		assert.True(t, strings.Contains(section, group) && strings.Contains(section, verb),
			"README's The daas command does not name %q", cmd)
	}
}

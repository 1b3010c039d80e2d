package exampleenv

import (
	"bytes"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/daaskit/daas/daastest"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestOpenIncomplete(t *testing.T) {
	for _, tc := range []struct {
		vars    map[string]string
		missing []string
	}{
		{map[string]string{EnvClientID: "id"}, []string{EnvCustomerID, EnvClientSecret}},
		{map[string]string{EnvCustomerID: "c", EnvClientID: "id"}, []string{EnvClientSecret}},
		{map[string]string{EnvRegion: "EU"}, []string{EnvCustomerID, EnvClientID, EnvClientSecret}},
		{map[string]string{EnvBaseURL: "http://127.0.0.1:8787/cvad/manage", EnvClientSecret: "s"}, []string{EnvCustomerID, EnvClientID}},
	} {
		var out bytes.Buffer
		_, err := Open(&out, Options{Getenv: env(tc.vars)})
		if err == nil {
			t.Errorf("Open(%v) succeeded", tc.vars)
			continue
		}
		missingPart, _, _ := strings.Cut(err.Error(), "not set")
		for _, name := range tc.missing {
			if !strings.Contains(missingPart, name) {
				t.Errorf("Open(%v): error %q does not say %s is missing", tc.vars, err, name)
			}
		}
		if out.Len() != 0 {
			t.Errorf("Open(%v) wrote %q before failing", tc.vars, &out)
		}
	}
}

func TestOpenBadSettings(t *testing.T) {
	const secret = "sEcReT-vAlUe"
	base := map[string]string{EnvCustomerID: "c", EnvClientID: "id", EnvClientSecret: secret}
	for name, value := range map[string]string{
		EnvRegion:  "MARS",
		EnvBaseURL: "http://api.example.com/cvad/manage", // plain http off loopback
		EnvCAFile:  filepath.Join(t.TempDir(), "missing.pem"),
	} {
		vars := map[string]string{name: value}
		for k, v := range base {
			vars[k] = v
		}
		var out bytes.Buffer
		if _, err := Open(&out, Options{Getenv: env(vars)}); err == nil {
			t.Errorf("Open with %s=%s succeeded", name, value)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("error shows the secret: %v", err)
		}
	}
}

func TestOpenRegion(t *testing.T) {
	vars := map[string]string{EnvCustomerID: "c", EnvClientID: "id", EnvClientSecret: "s", EnvRegion: "jp"}
	var out bytes.Buffer
	e, err := Open(&out, Options{Getenv: env(vars)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got, want := e.Client.BaseURL(), "https://api.citrixcloud.jp/cvad/manage"; got != want {
		t.Errorf("BaseURL = %s, want %s", got, want)
	}
	if !e.Real() || !strings.HasPrefix(out.String(), "Using Citrix DaaS at https://api.citrixcloud.jp/cvad/manage, customer c") {
		t.Errorf("Real() = %t, line %q", e.Real(), &out)
	}
}

// CITRIX_CA_FILE makes the client trust the certificate of daas-sim -tls.
func TestOpenCAFile(t *testing.T) {
	fake := NewFake(daastest.WithTLS(), daastest.WithJobDuration(0))
	defer fake.Close()
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fake.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := FakeEnv(fake)
	opts := Options{Getenv: func(name string) string {
		if name == EnvCAFile {
			return file
		}
		return getenv(name)
	}}
	var out bytes.Buffer
	e, err := Open(&out, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	page, err := e.Client.MachineCatalogs.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != FakeCatalogs {
		t.Errorf("listed %d catalogs, want %d", len(page.Items), FakeCatalogs)
	}
}

func TestOpenFake(t *testing.T) {
	var out bytes.Buffer
	e, err := Open(&out, Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Real() || e.Fake == nil {
		t.Fatal("Open without variables did not start the fake")
	}
	if !strings.HasPrefix(out.String(), "Using the built-in fake Citrix DaaS at "+e.Fake.URL) {
		t.Errorf("line %q", &out)
	}
	c, err := e.NewClient()
	if err != nil || c == e.Client {
		t.Fatalf("NewClient = %v, %v; want a new client", c, err)
	}
	if n := len(e.Fake.Catalogs()); n != FakeCatalogs {
		t.Errorf("fake has %d catalogs, want %d", n, FakeCatalogs)
	}
}

// CITRIX_CA_FILE is read as the library reads it: only a regular file of
// at most 1 MiB. A device that never ends (/dev/zero), a FIFO that blocks
// the open, a directory and a larger file are refused, saying why, without
// reading on.
func TestOpenCAFileBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, []byte(strings.Repeat("#", 1<<20+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, file, want string }{
		{"device", "/dev/zero", "not a regular file"},
		{"fifo", fifo, "not a regular file"},
		{"directory", dir, "not a regular file"},
		{"too large", big, "larger than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{EnvCustomerID: "c", EnvClientID: "id", EnvClientSecret: "s", EnvCAFile: tc.file}
			done := make(chan error, 1)
			go func() {
				var out bytes.Buffer
				_, err := Open(&out, Options{Getenv: env(vars)})
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Fatalf("Open with %s=%s succeeded", EnvCAFile, tc.file)
				}
				if msg := err.Error(); !strings.Contains(msg, EnvCAFile) || !strings.Contains(msg, tc.want) {
					t.Errorf("error %q does not name %s and say %q", msg, EnvCAFile, tc.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("reading the CA file did not end")
			}
		})
	}
}

// Package cafile reads a file of PEM certificates to trust (CITRIX_CA_FILE)
// and makes the HTTP client that trusts them, bounded: only a regular file
// of at most [Max] bytes is read. It is shared by [daas.NewClientFromEnv]
// and the example programs, which read the same variable.
//
// [daas.NewClientFromEnv]: https://pkg.go.dev/github.com/daaskit/daas#NewClientFromEnv
package cafile

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
)

// Max is the most bytes a CA file may hold (1 MiB).
const Max = 1 << 20

// Client is an HTTP client that trusts the certificates of the PEM file
// besides the system's. Its errors do not name the variable: the caller
// does.
func Client(file string) (*http.Client, error) {
	pem, err := Read(file)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("no PEM certificate in the file")
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t}, nil
}

// Read reads a PEM file: a regular file (a device or a pipe could never
// end, or block the open) of at most [Max] bytes.
func Read(file string) ([]byte, error) {
	notRegular := func(fi os.FileInfo) error {
		return fmt.Errorf("%s is not a regular file (%s); want a PEM file of at most 1 MiB", file, fi.Mode().Type())
	}
	fi, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(fi)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() { // replaced since the first look
		return nil, notRegular(fi)
	}
	pem, err := io.ReadAll(io.LimitReader(f, Max+1))
	if err != nil {
		return nil, err
	}
	if len(pem) > Max {
		return nil, fmt.Errorf("%s is larger than 1 MiB, the most a CA file may hold", file)
	}
	return pem, nil
}

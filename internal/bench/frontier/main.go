// Command frontier draws docs/frontier.svg from docs/frontier.json (written
// by `go run ./internal/bench`, from its exact simulation of the
// schedules): for each progress curve, reads per job against the median
// detection delay of every policy over the mix of jobs and over the job
// types, so that a reader sees where each policy stands. It is a module of its
// own so that the plotting library stays out of the daas module's graph.
//
//	cd internal/bench/frontier && GOWORK=off go run . -in ../../../docs/frontier.json -out ../../../docs/frontier.svg
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// point is one policy under one curve over one set of jobs ("mix" or
// "types"), as the harness writes it.
type point struct {
	Workload    string  `json:"workload"`
	Curve       string  `json:"curve"`
	Policy      string  `json:"policy"`
	Daas        bool    `json:"daas"`
	Jobs        int     `json:"jobs"`
	PollsPerJob float64 `json:"pollsPerJob"`
	MedianPct   float64 `json:"medianPct"`
	P95Pct      float64 `json:"p95Pct"`
}

type frontier struct {
	Command string  `json:"command"`
	Date    string  `json:"date"`
	Points  []point `json:"points"`
}

func main() {
	in := flag.String("in", "../../../docs/frontier.json", "points written by go run ./internal/bench")
	out := flag.String("out", "../../../docs/frontier.svg", "SVG to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "frontier:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var f frontier
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := draw3(w, &f); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// curves are the panels, left to right.
var curves = []struct{ name, title string }{
	{"linear", "linear progress"},
	{"steps", "progress in 25% steps"},
	{"none", "no progress"},
}

// palette gives each policy its colour, in the order first seen: one
// each for the mix's ten policies and the job types' three.
var palette = []color.RGBA{
	{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff}, {R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}, {R: 0xe6, G: 0x7e, B: 0x22, A: 0xff},
	{R: 0x27, G: 0xae, B: 0x60, A: 0xff}, {R: 0x7f, G: 0x8c, B: 0x8d, A: 0xff}, {R: 0x8e, G: 0x44, B: 0xad, A: 0xff},
	{R: 0x16, G: 0xa0, B: 0x85, A: 0xff}, {R: 0xd3, G: 0x54, B: 0x00, A: 0xff}, {R: 0x2c, G: 0x3e, B: 0x50, A: 0xff},
	{R: 0xf1, G: 0xc4, B: 0x0f, A: 0xff}, {R: 0xe9, G: 0x1e, B: 0x63, A: 0xff}, {R: 0x00, G: 0x96, B: 0x88, A: 0xff},
	{R: 0x79, G: 0x55, B: 0x48, A: 0xff},
}

// style is how one policy is drawn: daas settings as filled circles, the
// anchors as squares, the job types' points as rings.
type style struct {
	name  string
	glyph draw.GlyphStyle
}

// label is a point's name in the legend: its policy, and its set of jobs
// unless it is the mix.
func label(pt point) string {
	if pt.Workload == "types" {
		return pt.Policy + " (job types)"
	}
	return pt.Policy
}

func styles(pts []point) map[string]style {
	m := map[string]style{}
	for _, pt := range pts {
		name := label(pt)
		if _, ok := m[name]; ok {
			continue
		}
		g := draw.GlyphStyle{Color: palette[len(m)%len(palette)], Radius: vg.Points(4.5), Shape: draw.BoxGlyph{}}
		switch {
		case pt.Workload == "types":
			g.Shape = draw.RingGlyph{}
		case pt.Daas:
			g.Shape = draw.CircleGlyph{}
		}
		m[name] = style{name: name, glyph: g}
	}
	return m
}

// draw3 writes the three panels and a legend as one SVG.
func draw3(w io.Writer, f *frontier) error {
	st := styles(f.Points)
	xr, yr := ranges(f.Points)
	row := make([]*plot.Plot, 0, len(curves)+1)
	for _, c := range curves {
		p, err := panel(c.title, f.Points, c.name, st, xr, yr)
		if err != nil {
			return err
		}
		row = append(row, p)
	}
	legend := plot.New()
	legend.HideAxes()
	legend.Legend.Top, legend.Legend.Left = true, true
	legend.Legend.TextStyle.Font.Size = vg.Points(10)
	legend.Legend.Padding = vg.Points(3)
	var order []string
	for _, pt := range f.Points {
		if name := label(pt); !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	for _, name := range order {
		s, err := plotter.NewScatter(plotter.XYs{{X: 1, Y: 1}})
		if err != nil {
			return err
		}
		s.GlyphStyle = st[name].glyph
		legend.Legend.Add(name, s)
	}
	row = append(row, legend)

	const width, height = 20 * vg.Inch, 6.5 * vg.Inch
	canvas := vgsvg.New(width, height)
	dc := draw.New(canvas)
	sty := row[0].Title.TextStyle
	sty.XAlign = draw.XCenter
	dc.FillText(sty, vg.Point{X: width / 2, Y: height - 0.3*vg.Inch},
		fmt.Sprintf("Reads per job against median detection delay, simulated exactly: lower left is better (%s, %s)", f.Date, f.Command))
	dc.Max.Y -= 0.45 * vg.Inch
	tiles := draw.Tiles{Rows: 1, Cols: len(row), PadX: vg.Inch / 3, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	cs := plot.Align([][]*plot.Plot{row}, tiles, dc)
	for i, p := range row {
		p.Draw(cs[0][i])
	}
	_, err := canvas.WriteTo(w)
	return err
}

// ranges are the axes' bounds over every point, padded so that no glyph
// sits on an axis: the same in every panel, so panels compare.
func ranges(pts []point) (x, y [2]float64) {
	x, y = [2]float64{math.Inf(1), math.Inf(-1)}, [2]float64{math.Inf(1), math.Inf(-1)}
	for _, pt := range pts {
		if pt.PollsPerJob <= 0 || pt.MedianPct <= 0 {
			continue
		}
		x = [2]float64{min(x[0], pt.PollsPerJob), max(x[1], pt.PollsPerJob)}
		y = [2]float64{min(y[0], pt.MedianPct), max(y[1], pt.MedianPct)}
	}
	return [2]float64{x[0] / 1.4, x[1] * 1.4}, [2]float64{y[0] / 1.6, y[1] * 1.6}
}

// panel is one curve's plot.
func panel(title string, pts []point, curve string, st map[string]style, xr, yr [2]float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "reads per job (mean)"
	p.Y.Label.Text = "median detection delay, % of the job"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xr[0], xr[1], yr[0], yr[1]
	p.Add(plotter.NewGrid())
	var n int
	for _, pt := range pts {
		if pt.Curve != curve || pt.PollsPerJob <= 0 || pt.MedianPct <= 0 {
			continue
		}
		n++
		s, err := plotter.NewScatter(plotter.XYs{{X: pt.PollsPerJob, Y: pt.MedianPct}})
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = st[label(pt)].glyph
		p.Add(s)
	}
	if n == 0 {
		return nil, fmt.Errorf("no points for curve %q", curve)
	}
	return p, nil
}

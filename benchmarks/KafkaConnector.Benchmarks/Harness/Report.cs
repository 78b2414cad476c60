using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;

namespace KafkaConnector.Benchmarks.Harness;

/// <summary>Writes the results as a table (Markdown, so it pastes into docs), as JSON and as an SVG chart.</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Table(IReadOnlyList<ResultRow> rows)
    {
        string[] header = ["Scenario", "Unit", "Raw", "Connector", "Ratio", "Target", "Met"];
        var cells = rows.Select(r => new[]
        {
            r.Scenario,
            r.Unit,
            Format(r.Kind, r.Raw),
            Format(r.Kind, r.Connector),
            r.Ratio.ToString("0.00", Invariant),
            r.Target,
            r.Met switch { true => "yes", false => "**no**", null => "-" },
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        var numeric = new[] { false, false, true, true, true, false, false };

        var text = new StringBuilder();
        void Line(IReadOnlyList<string> values)
        {
            text.Append('|');
            for (var i = 0; i < values.Count; i++)
            {
                text.Append(' ').Append(numeric[i] ? values[i].PadLeft(widths[i]) : values[i].PadRight(widths[i])).Append(" |");
            }

            text.Append('\n');
        }

        Line(header);
        Line(widths.Select((w, i) => numeric[i] ? new string('-', w - 1) + ":" : new string('-', w)).ToArray());
        cells.ForEach(Line);
        return text.ToString();
    }

    /// <summary>The lowest and highest value of every row over the repetitions: how far the medians can be trusted.</summary>
    public static string SpreadTable(IReadOnlyList<ResultRow> rows)
    {
        var text = new StringBuilder();
        text.Append("| Scenario | Unit | Raw, min–max | Connector, min–max |\n| --- | --- | ---: | ---: |\n");
        foreach (var row in rows.Where(r => r.RawSamples.Count > 0))
        {
            text.Append(Invariant, $"| {row.Scenario} | {row.Unit} | {Range(row.Kind, row.RawSamples)} | {Range(row.Kind, row.ConnectorSamples)} |\n");
        }

        return text.ToString();

        static string Range(RowKind kind, IReadOnlyList<double> values) => $"{Format(kind, values.Min())}–{Format(kind, values.Max())}";
    }

    public static string Format(RowKind kind, double value) => double.IsNaN(value) ? "n/a" : kind switch
    {
        RowKind.Latency => value.ToString("0.00", Invariant),
        _ => value.ToString("N0", Invariant),
    };

    /// <summary>The results as <c>[{"scenario", "unit", "raw", "connector", "ratio"}]</c>.</summary>
    public static async Task WriteJsonAsync(IReadOnlyList<ResultRow> rows, string path, CancellationToken cancellationToken)
    {
        var stream = File.Create(path);
        await using (stream)
        {
            await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("scenario", row.Scenario);
                json.WriteString("unit", row.Unit);
                json.WriteNumber("raw", Round(row.Raw));
                json.WriteNumber("connector", Round(row.Connector));
                json.WriteNumber("ratio", double.IsFinite(row.Ratio) ? Math.Round(row.Ratio, 3) : 0);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            await json.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Grouped horizontal bars, raw and connector, for every throughput row, in panels (hundreds
    /// of thousands of messages per second for produce and dispatch, thousands for 1 ms receivers),
    /// each on its own linear axis so that a ratio reads as a length. Each group is labelled with
    /// both values and the ratio.
    /// </summary>
    public static string ThroughputSvg(IReadOnlyList<ResultRow> rows, string subtitle)
    {
        var panels = rows.Where(r => r.Kind == RowKind.Throughput).GroupBy(r => r.Panel).ToList();
        const int width = 1000, labelWidth = 400, right = 150, barHeight = 13, barGap = 3, groupGap = 12, panelGap = 64;
        var plotWidth = width - labelWidth - right;
        var groupHeight = (2 * barHeight) + barGap + groupGap;
        // The subtitle (machine, run, load) wraps at its "; " separators.
        var subtitleLines = subtitle.Split("; ");
        var header = 14 * (subtitleLines.Length - 1);
        var height = 80 + header + panels.Sum(p => (p.Count() * groupHeight) + panelGap);
        string N(double value) => value.ToString("0.#", Invariant);

        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(Invariant, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append("<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">KafkaConnector throughput: raw Confluent.Kafka vs connector (msg/s, higher is better)</text>\n");
        for (var i = 0; i < subtitleLines.Length; i++)
        {
            svg.Append(Invariant, $"<text x=\"10\" y=\"{40 + (14 * i)}\" fill=\"#555\">{Escape(subtitleLines[i])}</text>\n");
        }

        svg.Append(Invariant, $"<rect x=\"{labelWidth}\" y=\"{52 + header}\" width=\"12\" height=\"12\" fill=\"#9aa5b1\"/><text x=\"{labelWidth + 16}\" y=\"{62 + header}\">raw client</text>\n");
        svg.Append(Invariant, $"<rect x=\"{labelWidth + 100}\" y=\"{52 + header}\" width=\"12\" height=\"12\" fill=\"#2f6fdf\"/><text x=\"{labelWidth + 116}\" y=\"{62 + header}\">connector</text>\n");
        svg.Append(Invariant, $"<text x=\"{width - 10}\" y=\"{62 + header}\" text-anchor=\"end\" fill=\"#555\">connector / raw</text>\n");

        var y = 96 + header;
        foreach (var panel in panels)
        {
            var bars = panel.ToList();
            var (axisMax, step) = NiceAxis(bars.Max(r => Math.Max(r.Raw, r.Connector)));
            double X(double value) => labelWidth + (Math.Max(0, value) / axisMax * plotWidth);
            svg.Append(Invariant, $"<text x=\"10\" y=\"{y - 14}\" font-weight=\"bold\">{Escape(panel.Key)}</text>\n");
            var bottom = y + (bars.Count * groupHeight) - groupGap + 4;
            for (var tick = 0.0; tick <= axisMax + (step / 2); tick += step)
            {
                var x = X(tick);
                svg.Append(Invariant, $"<line x1=\"{N(x)}\" y1=\"{y - 4}\" x2=\"{N(x)}\" y2=\"{bottom}\" stroke=\"#ddd\"/>");
                svg.Append(Invariant, $"<text x=\"{N(x)}\" y=\"{bottom + 14}\" text-anchor=\"middle\" fill=\"#555\" font-size=\"11\">{Compact(tick)}</text>\n");
            }

            foreach (var row in bars)
            {
                svg.Append(Invariant, $"<text x=\"{labelWidth - 8}\" y=\"{y + barHeight + 5}\" text-anchor=\"end\">{Escape(row.Scenario)}</text>\n");
                Bar(row.Raw, y, "#9aa5b1");
                Bar(row.Connector, y + barHeight + barGap, "#2f6fdf");
                svg.Append(Invariant, $"<text x=\"{width - 10}\" y=\"{y + barHeight + 5}\" text-anchor=\"end\" font-weight=\"bold\">{row.Ratio.ToString("0.00", Invariant)}x</text>\n");
                y += groupHeight;
            }

            y += panelGap;

            void Bar(double value, int top, string color)
            {
                var x = X(value);
                svg.Append(Invariant, $"<rect x=\"{labelWidth}\" y=\"{top}\" width=\"{N(Math.Max(1, x - labelWidth))}\" height=\"{barHeight}\" fill=\"{color}\"/>");
                svg.Append(Invariant, $"<text x=\"{N(x + 4)}\" y=\"{top + barHeight - 2}\" font-size=\"11\">{value.ToString("N0", Invariant)}</text>\n");
            }
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Compact(double value) => value switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.#", Invariant) + "M",
        >= 10_000 => (value / 1_000).ToString("0.#", Invariant) + "k",
        _ => value.ToString("N0", Invariant),
    };

    /// <summary>An axis end of 1, 2 or 5 times a power of ten above <paramref name="max"/>, and its tick step.</summary>
    private static (double Max, double Step) NiceAxis(double max)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(max, 1))));
        foreach (var factor in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (factor * magnitude >= max * 1.08)
            {
                return (factor * magnitude, factor / 5 * magnitude);
            }
        }

        return (10 * magnitude, 2 * magnitude);
    }

    private static double Round(double value) => double.IsNaN(value) ? 0 : Math.Round(value, value >= 100 ? 0 : 3);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}

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
    /// Grouped horizontal bars, raw and connector, for every throughput row. The axis is
    /// logarithmic: the figures run from about a thousand (1 ms receivers) to hundreds of thousands
    /// of messages per second. Each group is labelled with both values and the ratio.
    /// </summary>
    public static string ThroughputSvg(IReadOnlyList<ResultRow> rows, string subtitle)
    {
        var bars = rows.Where(r => r.Kind == RowKind.Throughput && r.Raw > 0 && r.Connector > 0).ToList();
        const int width = 980, labelWidth = 390, right = 150, top = 70, barHeight = 13, barGap = 3, groupGap = 14;
        var plotWidth = width - labelWidth - right;
        var groupHeight = (2 * barHeight) + barGap + groupGap;
        var height = top + (bars.Count * groupHeight) + 40;
        var values = bars.SelectMany(r => new[] { r.Raw, r.Connector }).DefaultIfEmpty(1).ToList();
        var minDecade = Math.Floor(Math.Log10(values.Min()));
        var maxDecade = Math.Ceiling(Math.Log10(values.Max()));
        if (maxDecade <= minDecade)
        {
            maxDecade = minDecade + 1;
        }

        double X(double value) => labelWidth + ((Math.Log10(value) - minDecade) / (maxDecade - minDecade) * plotWidth);
        string N(double value) => value.ToString("0.#", Invariant);

        var svg = new StringBuilder();
        svg.Append(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(Invariant, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append("<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">KafkaConnector throughput: raw Confluent.Kafka vs connector (msg/s, log scale, higher is better)</text>\n");
        svg.Append(Invariant, $"<text x=\"10\" y=\"40\" fill=\"#555\">{Escape(subtitle)}</text>\n");
        svg.Append(Invariant, $"<rect x=\"{labelWidth}\" y=\"50\" width=\"12\" height=\"12\" fill=\"#9aa5b1\"/><text x=\"{labelWidth + 16}\" y=\"60\">raw client</text>\n");
        svg.Append(Invariant, $"<rect x=\"{labelWidth + 100}\" y=\"50\" width=\"12\" height=\"12\" fill=\"#2f6fdf\"/><text x=\"{labelWidth + 116}\" y=\"60\">connector</text>\n");
        svg.Append(Invariant, $"<text x=\"{width - 10}\" y=\"60\" text-anchor=\"end\" fill=\"#555\">connector / raw</text>\n");

        var bottom = top + (bars.Count * groupHeight);
        for (var decade = minDecade; decade <= maxDecade; decade++)
        {
            var x = X(Math.Pow(10, decade));
            svg.Append(Invariant, $"<line x1=\"{N(x)}\" y1=\"{top - 4}\" x2=\"{N(x)}\" y2=\"{bottom}\" stroke=\"#ddd\"/>\n");
            svg.Append(Invariant, $"<text x=\"{N(x)}\" y=\"{bottom + 16}\" text-anchor=\"middle\" fill=\"#555\">{Escape(Decade(decade))}</text>\n");
        }

        for (var i = 0; i < bars.Count; i++)
        {
            var row = bars[i];
            var y = top + (i * groupHeight);
            svg.Append(Invariant, $"<text x=\"{labelWidth - 8}\" y=\"{y + barHeight + 5}\" text-anchor=\"end\">{Escape(row.Scenario)}</text>\n");
            Bar(row.Raw, y, "#9aa5b1");
            Bar(row.Connector, y + barHeight + barGap, "#2f6fdf");
            svg.Append(Invariant, $"<text x=\"{width - 10}\" y=\"{y + barHeight + 5}\" text-anchor=\"end\" font-weight=\"bold\">{row.Ratio.ToString("0.00", Invariant)}x</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();

        void Bar(double value, int y, string color)
        {
            var x = X(value);
            svg.Append(Invariant, $"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{N(Math.Max(1, x - labelWidth))}\" height=\"{barHeight}\" fill=\"{color}\"/>");
            svg.Append(Invariant, $"<text x=\"{N(x + 4)}\" y=\"{y + barHeight - 2}\" font-size=\"11\">{value.ToString("N0", Invariant)}</text>\n");
        }
    }

    private static string Decade(double decade) => decade switch
    {
        >= 6 => $"{Math.Pow(10, decade - 6).ToString("0", Invariant)}M",
        >= 3 => $"{Math.Pow(10, decade - 3).ToString("0", Invariant)}k",
        _ => Math.Pow(10, decade).ToString("0", Invariant),
    };

    private static double Round(double value) => double.IsNaN(value) ? 0 : Math.Round(value, value >= 100 ? 0 : 3);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}

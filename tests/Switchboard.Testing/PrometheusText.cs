using System.Globalization;
using System.Text;

namespace Switchboard.Testing;

/// <summary>
/// Reads the Prometheus text exposition that <c>GET /metrics</c> answers: every sample by its
/// series (<c>name{label="value",…}</c>, without the exporter's <c>otel_scope_*</c> labels), and
/// for a labelled metric also the sum of its series under the bare name.
/// </summary>
public static class PrometheusText
{
    /// <summary>The samples of <paramref name="text"/>.</summary>
    public static Dictionary<string, double> Parse(string text)
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#' || !TryRead(line, out var name, out var labels, out var value))
            {
                continue;
            }

            if (labels.Count == 0)
            {
                figures[name] = value;
                continue;
            }

            figures[name + "{" + string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}"] = value;
            sums[name] = sums.GetValueOrDefault(name) + value;
        }

        foreach (var (name, sum) in sums)
        {
            figures.TryAdd(name, sum);
        }

        return figures;
    }

    /// <summary>The metric names sampled in <paramref name="text"/> (histograms by their <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series).</summary>
    public static HashSet<string> Names(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length > 0 && line[0] != '#' && TryRead(line, out var name, out _, out _))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static bool TryRead(string line, out string name, out List<KeyValuePair<string, string>> labels, out double value)
    {
        labels = [];
        value = 0;
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        name = line[..i];
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (i < line.Length && line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"')
                {
                    return false;
                }

                var key = line[i..eq].Trim(' ', ',');
                var text = new StringBuilder();
                var j = eq + 2;
                for (; j < line.Length && line[j] != '"'; j++)
                {
                    if (line[j] == '\\' && j + 1 < line.Length)
                    {
                        j++;
                        text.Append(line[j] == 'n' ? '\n' : line[j]);
                    }
                    else
                    {
                        text.Append(line[j]);
                    }
                }

                if (!key.StartsWith("otel_scope_", StringComparison.Ordinal))
                {
                    labels.Add(new(key, text.ToString()));
                }

                i = j + 1;
                while (i < line.Length && line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        var rest = i < line.Length ? line[i..].Trim().Split(' ') : [];
        return name.Length > 0 && rest.Length >= 1 && double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}

using System.Globalization;
using System.Text;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// Per-sample log q (with path weights the path's effective log q) and log w of generated samples (`generate --weights-file`): a CSV with the header
/// index,log_q,log_q_error,log_w (one row per sample in generation order; log_q_error empty for the exact trace, log_w
/// empty without importance weights; full round-trip precision), or, for a path ending in .npy, a float64 array of shape
/// [N, 3] with the columns log_q, log_q_error, log_w (NaN where the CSV is empty). log w = -S(x) - log q(x), up to the
/// unknown log Z.
/// </summary>
public static class SampleWeightsFile
{
    /// <summary>The CSV header.</summary>
    public const string Header = "index,log_q,log_q_error,log_w";

    /// <summary>Writes the file; <paramref name="logQError"/> and <paramref name="logWeights"/> may be null.</summary>
    public static void Write(string path, IReadOnlyList<double> logQ, IReadOnlyList<double>? logQError, IReadOnlyList<double>? logWeights)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(logQ);
        int n = logQ.Count;
        if ((logQError?.Count ?? n) != n || (logWeights?.Count ?? n) != n) throw new ArgumentException("one value per sample in every column");
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var data = new double[n * 3];
            for (int i = 0; i < n; i++)
            {
                data[3 * i] = logQ[i];
                data[3 * i + 1] = logQError?[i] ?? double.NaN;
                data[3 * i + 2] = logWeights?[i] ?? double.NaN;
            }
            NpyFile.Write(path, data, [n, 3]);
            return;
        }
        var text = new StringBuilder(Header).Append('\n');
        static string Cell(double? x) => x is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        for (int i = 0; i < n; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i},{Cell(logQ[i])},{Cell(logQError?[i])},{Cell(logWeights?[i])}\n");
        File.WriteAllText(path, text.ToString());
    }
}

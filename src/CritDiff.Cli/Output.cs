using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Statistics;

namespace CritDiff.Cli;

/// <summary>Where a command writes: results to stdout (one JSON object under --json), logs to stderr.</summary>
internal sealed class Output(TextWriter stdout, TextWriter stderr, bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public TextWriter Out { get; } = stdout;

    public TextWriter Log { get; } = stderr;

    public bool Json { get; } = json;

    /// <summary>A log line on stderr (always; progress and notes never touch stdout).</summary>
    public void Note(string line) => Log.WriteLine(line);

    /// <summary>
    /// Prints the result object the library built (e.g. Experiments.MonteCarloSummary, TargetSummary): JSON on stdout under
    /// --json, else nothing (the caller prints text). The CLI builds no JSON of its own (CliJsonBuildingTests).
    /// </summary>
    public void WriteJson(JsonObject result)
    {
        if (Json) Out.WriteLine(result.ToJsonString(Indented));
    }

    /// <summary>A JSON number, or null for NaN and infinities (JSON has no NaN); for the summaries not yet built in the library (CliJsonBuildingTests.NotYetMoved).</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>A JSON number, or null.</summary>
    public static JsonNode? Number(double? value) => value is { } v ? Number(v) : null;

    /// <summary>Formats a number without an error for text: six significant digits, "1.2e-7" style exponents, "n/a" for NaN (<see cref="Stats.FormatValue"/>).</summary>
    public static string Format(double value) => Stats.FormatValue(value);

}

using System.Text.RegularExpressions;
using CritDiff.Networks;

namespace CritDiff.Tests;

/// <summary>
/// The rules of the one-pipeline design (issue 21), read from the sources: the CLI only parses options and prints (no JSON
/// building with System.Text.Json.Nodes, no type tests on network specs, verbs of at most ~250 lines), and no code outside
/// <c>src/CritDiff/Networks</c> spells a network's name (the <see cref="NetworkCatalog"/> parses names and names the
/// networks the studies use), so a new network is one folder and one catalog line. Comments are ignored; help texts may
/// mention names inside prose, but a string literal that is a network name by itself is a dispatch or a default.
/// </summary>
public sealed partial class ArchitectureRulesTests
{
    /// <summary>The issue's "~250 lines" per CLI file, with a small margin for a long help text.</summary>
    private const int MaxCliFileLines = 260;

    private static string Cli => Path.Combine(RepositoryFiles.Root(), "src", "CritDiff.Cli");

    private static IEnumerable<string> CliFiles() =>
        Directory.EnumerateFiles(Cli, "*.cs", SearchOption.AllDirectories).Where(NotBuildOutput);

    private static bool NotBuildOutput(string path) =>
        !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");

    private static string Relative(string path) => Path.GetRelativePath(RepositoryFiles.Root(), path);

    [Fact]
    public void TheCliBuildsNoJson()
    {
        // Output.cs is the one printer: it writes the JSON object a library summary returns.
        var offenders = CliFiles().Where(f => Path.GetFileName(f) != "Output.cs" && JsonNodes().IsMatch(StripComments(File.ReadAllText(f))))
            .Select(Relative).ToArray();
        Assert.True(offenders.Length == 0, "JSON built in the CLI (the library builds summaries): " + string.Join(", ", offenders));
    }

    [Fact]
    public void TheCliTestsNoSpecTypes()
    {
        var offenders = CliFiles()
            .SelectMany(f => SpecTypeTest().Matches(StripComments(File.ReadAllText(f))).Select(m => $"{Relative(f)}: '{m.Value}'"))
            .ToArray();
        Assert.True(offenders.Length == 0, "type tests on specs in the CLI (use the spec's capabilities): " + string.Join(", ", offenders));
    }

    [Fact]
    public void CliFilesAreShort()
    {
        var offenders = CliFiles().Select(f => (File: f, Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > MaxCliFileLines).Select(f => $"{Relative(f.File)} ({f.Lines} lines)").ToArray();
        Assert.True(offenders.Length == 0, $"CLI files over {MaxCliFileLines} lines: " + string.Join(", ", offenders));
    }

    [Fact]
    public void NoNetworkNameLiteralsOutsideNetworks()
    {
        string networks = Path.Combine(RepositoryFiles.Root(), "src", "CritDiff", "Networks") + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root(), "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => NotBuildOutput(f) && !f.StartsWith(networks, StringComparison.Ordinal));
        var offenders = new List<string>();
        foreach (string file in files)
            foreach (Match m in StringLiteral().Matches(StripComments(File.ReadAllText(file))))
                if (IsNetworkName(m.Groups["text"].Value))
                    offenders.Add($"{Relative(file)}: \"{m.Groups["text"].Value}\"");
        Assert.True(offenders.Count == 0, "network names outside src/CritDiff/Networks (use NetworkCatalog): " + string.Join(", ", offenders));
    }

    [Fact]
    public void TheDetectorsFindWhatTheyLookFor()
    {
        Assert.True(IsNetworkName("two-layer-local:1"));
        Assert.True(IsNetworkName("conv:3:1:odd"));
        Assert.True(IsNetworkName("conv"));
        Assert.False(IsNetworkName("converged"));
        Assert.False(IsNetworkName("one-layer, two-layer or dense"));
        Assert.Equal(["two-layer"], StringLiteral().Matches("x ?? \"two-layer\"; // \"dense\"".Split("//")[0]).Select(m => m.Groups["text"].Value));
        Assert.Matches(SpecTypeTest(), "if (spec is LinearModelSpec linear)");
        Assert.Matches(SpecTypeTest(), "spec is not NonlinearConvModelSpec");
        Assert.DoesNotMatch(SpecTypeTest(), "spec.IsLinear");
        Assert.Matches(JsonNodes(), "var o = new JsonObject { [\"a\"] = 1 };");
        Assert.DoesNotMatch(JsonNodes(), StripComments("/// <summary>JsonObject</summary>\n x"));
    }

    /// <summary>A literal that is a whole network name (it parses), or the bare prefix "conv" of a family test.</summary>
    private static bool IsNetworkName(string literal)
    {
        string text = literal.Trim();
        if (text.Length == 0) return false;
        if (text.Equals("conv", StringComparison.OrdinalIgnoreCase) || text.Equals("conv:", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            NetworkCatalog.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string StripComments(string text) => Comments().Replace(text, "\n");

    [GeneratedRegex(@"\bSystem\.Text\.Json\.Nodes\b|\bJson(Object|Array|Node|Value)\b")]
    private static partial Regex JsonNodes();

    [GeneratedRegex(@"\b(is|as)\s+(not\s+)?\w*Spec\b|\bcase\s+\w*Spec\b")]
    private static partial Regex SpecTypeTest();

    // A regular (not verbatim, not raw) string literal, interpolated ones included; its text without the quotes.
    [GeneratedRegex(@"(?<![@\w])\$?""(?<text>(?:[^""\\\n]|\\.)*)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();
}

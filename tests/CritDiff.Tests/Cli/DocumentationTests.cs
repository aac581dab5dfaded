using System.Text.RegularExpressions;

namespace CritDiff.Tests.Cli;

/// <summary>
/// Issue 24: the README and the help texts cite only files inside the repository (the science they cite is
/// docs/science.md, not a reference outside it), every cited "docs/science.md section N" exists there, and every
/// docs/ or relative link they name is a file of the repository.
/// </summary>
public class DocumentationTests
{
    private static readonly string Root = RepositoryFiles.Root();

    /// <summary>Every command's --help text, the root's first.</summary>
    public static IEnumerable<(string Command, string Help)> HelpTexts()
    {
        var (code, root, _) = Cli.Run("--help");
        Assert.Equal(0, code);
        yield return ("critdiff", root);
        string commands = root[(root.IndexOf("Commands:", StringComparison.Ordinal) + "Commands:".Length)..];
        foreach (Match m in Regex.Matches(commands, @"^\s{2}([a-z][a-z-]*)\b", RegexOptions.Multiline))
        {
            var (c, help, err) = Cli.Run(m.Groups[1].Value, "--help");
            Assert.True(c == 0, err);
            yield return (m.Groups[1].Value, help);
        }
    }

    private static void AssertCitesOnlyRepositoryFiles(string where, string text)
    {
        Assert.DoesNotContain("../shared", text);
        Assert.DoesNotContain("SCIENCE.md", text);
        foreach (Match m in Regex.Matches(text, @"\bdocs/[A-Za-z0-9_.-]+\.md\b"))
            Assert.True(File.Exists(Path.Combine(Root, m.Value)), $"{where} cites {m.Value}, which is not in the repository");
        foreach (Match m in Regex.Matches(text, @"\]\(([^)#\s]+)(#[^)]*)?\)"))
            if (!m.Groups[1].Value.Contains("://", StringComparison.Ordinal))
                Assert.True(File.Exists(Path.Combine(Root, m.Groups[1].Value)) || Directory.Exists(Path.Combine(Root, m.Groups[1].Value)),
                    $"{where} links {m.Groups[1].Value}, which is not in the repository");
        AssertCitedSectionsExist(where, text);
    }

    private static void AssertCitedSectionsExist(string where, string text)
    {
        var headings = File.ReadAllText(Path.Combine(Root, "docs", "science.md"));
        foreach (Match m in Regex.Matches(text, @"docs/science\.md,? sections? (\d+)"))
            Assert.True(Regex.IsMatch(headings, $@"^## {m.Groups[1].Value}\. ", RegexOptions.Multiline),
                $"{where} cites docs/science.md section {m.Groups[1].Value}, which it does not have");
    }

    [Fact]
    public void ReadmeCitesOnlyRepositoryFiles() =>
        AssertCitesOnlyRepositoryFiles("README.md", File.ReadAllText(Path.Combine(Root, "README.md")));

    [Fact]
    public void HelpTextsCiteOnlyRepositoryFiles()
    {
        var texts = HelpTexts().ToList();
        Assert.True(texts.Count >= 12, $"found {texts.Count} help texts: the command list was not parsed");
        foreach (var (command, help) in texts) AssertCitesOnlyRepositoryFiles($"critdiff {command} --help", help);
    }

    [Fact]
    public void SourcesCiteTheScienceInsideTheRepository()
    {
        foreach (string dir in new[] { "src", "tests", "docs", "bench" })
            foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, dir), "*", SearchOption.AllDirectories)
                         .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal))
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                if (file.EndsWith("DocumentationTests.cs", StringComparison.Ordinal)) continue; // names what it looks for
                string text = File.ReadAllText(file);
                string where = Path.GetRelativePath(Root, file);
                Assert.False(text.Contains("SCIENCE.md", StringComparison.Ordinal), $"{where} cites SCIENCE.md, which is not in the repository");
                Assert.False(text.Contains("../shared", StringComparison.Ordinal), $"{where} cites ../shared, outside the repository");
                AssertCitedSectionsExist(where, text);
            }
    }
}

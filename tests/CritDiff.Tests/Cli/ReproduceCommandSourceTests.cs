using System.Text.RegularExpressions;
using CritDiff.Networks;

namespace CritDiff.Tests.Cli;

/// <summary>
/// Issue 21: the reproduce verb only parses, runs the plan's stages and prints. Its source holds no JSON building,
/// no spec type tests and no network names (the plan and the report live in the library), and stays short.
/// </summary>
public sealed class ReproduceCommandSourceTests
{
    private static readonly string[] Files = ["ReproduceCommand.cs", "ReproduceProgress.cs"];

    private static string Source(string file) => File.ReadAllText(Path.Combine(RepositoryFiles.Root(), "src", "CritDiff.Cli", file));

    [Fact]
    public void TheVerbBuildsNoJsonAndTestsNoSpecType()
    {
        foreach (string file in Files)
        {
            string text = Source(file);
            Assert.DoesNotContain("System.Text.Json", text, StringComparison.Ordinal);
            Assert.DoesNotContain("JsonObject", text, StringComparison.Ordinal);
            Assert.False(Regex.IsMatch(text, @"\bis\s+\w*Spec\b"), $"{file}: an 'is ...Spec' test");
        }
    }

    [Fact]
    public void TheVerbNamesNoNetwork()
    {
        var names = NetworkCatalog.Families.SelectMany(f => f.Examples).Append(NetworkCatalog.OneLayer.Name).Append(NetworkCatalog.TwoLayer.Name)
            .Append(NetworkCatalog.SmallOddConvolution.Name).Distinct().ToArray();
        Assert.NotEmpty(names);
        foreach (string file in Files)
            foreach (string name in names)
                Assert.DoesNotContain($"\"{name}\"", Source(file), StringComparison.Ordinal);
    }

    [Fact]
    public void TheVerbIsShort() => Assert.True(Source("ReproduceCommand.cs").Split('\n').Length < 250);
}

using System.Text.RegularExpressions;

namespace CritDiff.Tests;

/// <summary>
/// The library's namespaces form layers, each depending only on layers below it (issue 12: an architecture
/// test that fails when a namespace depends on a layer above it). Read from the sources: a namespace X uses
/// namespace Y when one of X's files has <c>using CritDiff.Y</c> or a qualified name <c>CritDiff.Y.T</c> or
/// <c>Y.T</c> (inside the CritDiff namespace, <c>Y.T</c> resolves to CritDiff.Y.T).
/// </summary>
public sealed partial class LayeringTests
{
    // Lowest first; a namespace may use namespaces of strictly lower layers only.
    private static readonly string[][] Layers =
    [
        ["Statistics"],
        ["Lattices"],
        ["Fields", "Diffusion"],
        ["Networks", "MonteCarlo"],
        ["Training"],
        ["Generation", "Persistence"],
        ["Experiments"],
        ["Reporting"],
    ];

    private static int LayerOf(string name) => Array.FindIndex(Layers, l => l.Contains(name));

    [Fact]
    public void EveryLibraryFolderIsALayeredNamespace()
    {
        var folders = LibraryFolders().Select(Path.GetFileName).ToArray();
        Assert.NotEmpty(folders);
        Assert.All(folders, f => Assert.True(LayerOf(f!) >= 0, $"src/CritDiff/{f} has no layer in LayeringTests.Layers"));
    }

    [Fact]
    public void NoNamespaceUsesALayerAboveOrBesideIt()
    {
        var violations = new List<string>();
        foreach (string folder in LibraryFolders())
        {
            string name = Path.GetFileName(folder);
            int layer = LayerOf(name);
            foreach (string file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            {
                string text = StripComments(File.ReadAllText(file));
                foreach (string used in UsedNamespaces(text).Where(u => u != name))
                {
                    int usedLayer = LayerOf(used);
                    if (usedLayer >= layer)
                        violations.Add($"{Path.GetRelativePath(RepositoryFiles.Root(), file)}: {name} (layer {layer}) uses {used} (layer {usedLayer})");
                }
            }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void TheScanFindsQualifiedAndUsingReferences()
    {
        // The detector itself: a using, a fully qualified and a namespace-relative name; comments ignored.
        string text = StripComments("using CritDiff.Fields;\nvar x = CritDiff.Training.Trainer.X; var y = Networks.NetworkStart.Balanced;\n// Reporting.Figure\n/* Experiments.Shard */");
        Assert.Equal(["Fields", "Networks", "Training"], UsedNamespaces(text).Order().ToArray());
    }

    private static IEnumerable<string> LibraryFolders() =>
        Directory.EnumerateDirectories(Path.Combine(RepositoryFiles.Root(), "src", "CritDiff"))
            .Where(d => Path.GetFileName(d) is not ("bin" or "obj"));

    private static HashSet<string> UsedNamespaces(string text)
    {
        var names = Layers.SelectMany(l => l).ToArray();
        var used = new HashSet<string>();
        foreach (Match m in QualifiedName().Matches(text))
            if (names.Contains(m.Groups["ns"].Value)) used.Add(m.Groups["ns"].Value);
        return used;
    }

    private static string StripComments(string text) => Comments().Replace(text, " ");

    // using CritDiff.X; CritDiff.X.Type; or X.Type not preceded by an identifier character or a dot (Foo.X.Y is not X).
    [GeneratedRegex(@"\bCritDiff\.(?<ns>[A-Z][A-Za-z]+)\s*[;.]|(?<![\w.])(?<ns>[A-Z][A-Za-z]+)\.[A-Z]")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();
}

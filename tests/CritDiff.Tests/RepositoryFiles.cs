namespace CritDiff.Tests;

/// <summary>Finds files of the repository the tests were built from.</summary>
internal static class RepositoryFiles
{
    /// <summary>The repository root: the first folder above the test binaries holding ./critdiff and src/.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "critdiff")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
                return dir.FullName;
        throw new InvalidOperationException("repository root (with ./critdiff) not found above " + AppContext.BaseDirectory);
    }
}

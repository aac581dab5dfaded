namespace CritDiff.Persistence;

/// <summary>Tidying of run folders that a new run overwrites.</summary>
public static class RunFolderFiles
{
    /// <summary>
    /// Deletes the files of <paramref name="folder"/> that match <paramref name="pattern"/> but are not in
    /// <paramref name="keep"/> (file names): the per-slice files of an earlier run with more slices, which would otherwise
    /// sit beside the new run's as if they belonged to it.
    /// </summary>
    public static void RemoveUnlisted(string folder, string pattern, IEnumerable<string> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (!Directory.Exists(folder)) return;
        var kept = new HashSet<string>(keep, StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(folder, pattern))
            if (!kept.Contains(Path.GetFileName(file)))
                File.Delete(file);
    }
}

namespace CritDiff.Cli;

/// <summary>
/// The output folders one command line created (the topmost folder that did not exist before, for each), so that a
/// refused run can remove what it created and nothing that existed before. Scoped per <see cref="Program.Run"/> call
/// (an <see cref="AsyncLocal{T}"/>, so in-process runs on parallel test threads do not see each other's folders).
/// </summary>
internal static class CreatedFolders
{
    private static readonly AsyncLocal<List<string>?> Current = new();

    /// <summary>Starts recording for one command line (the previous record is dropped).</summary>
    public static void Begin() => Current.Value = [];

    /// <summary>Stops recording.</summary>
    public static void End() => Current.Value = null;

    /// <summary>Creates <paramref name="path"/> and its missing parents, recording the topmost one created.</summary>
    public static DirectoryInfo Create(string path)
    {
        string full = Path.GetFullPath(path);
        string? top = null;
        for (string? d = full; d is not null && !Directory.Exists(d) && !File.Exists(d); d = Path.GetDirectoryName(d)) top = d;
        var info = Directory.CreateDirectory(full);
        if (top is not null) Current.Value?.Add(top);
        return info;
    }

    /// <summary>Deletes every folder this command line created, with what it wrote into them; best effort.</summary>
    public static void RemoveAll()
    {
        var created = Current.Value;
        if (created is null) return;
        foreach (string folder in Enumerable.Reverse(created))
        {
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the refusal is what the user needs to see.
            }
        }
        created.Clear();
    }
}

using CritDiff.Networks;

namespace CritDiff.Experiments;

/// <summary>A comma-separated list of catalog networks, as sweeps take them (e.g. "one-layer,layers:local:1,full,conv:4:1").</summary>
public static class NetworkList
{
    /// <summary>
    /// Parses the list through the <see cref="NetworkCatalog"/>. A name may hold commas of its own (a layer list): an item
    /// that is no network alone but completes the one before it belongs to it. Throws <see cref="FormatException"/> for an
    /// empty item ("has ..."), an unknown name (the catalog's message) or a network listed twice ("lists ..."); the messages read
    /// after the option's name.
    /// </summary>
    public static IReadOnlyList<ScoreModelSpec> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var names = new List<string>();
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (item.Length == 0) throw new FormatException($"has an empty item ('{text}'): separate networks by single commas");
            if (names.Count > 0 && !Parses(item) && Parses(names[^1] + "," + item)) names[^1] += "," + item;
            else names.Add(item);
        }
        if (names.Count == 0) throw new FormatException("must list at least one architecture");
        var networks = names.Select(n => NetworkCatalog.Parse(n)).ToArray();
        if (networks.Select(n => n.Name).Distinct(StringComparer.Ordinal).Count() != networks.Length)
            throw new FormatException($"lists an architecture twice ({text})");
        return networks;
    }

    private static bool Parses(string name)
    {
        try
        {
            NetworkCatalog.Parse(name);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }
}

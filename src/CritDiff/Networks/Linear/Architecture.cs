using System.Globalization;
using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// A score-network architecture: a product of linear layers, s = L_D(...L_1(x)), applied per time
/// slice. Named as on the command line: one-layer, two-layer, one-layer-local:R, two-layer-local:R,
/// deep:D, deep-local:D:R, dense, or an explicit list layers:full,local:1,... (first layer first).
/// </summary>
public sealed record Architecture
{
    private Architecture(string name, IReadOnlyList<Layer> layers)
    {
        Name = name;
        Layers = layers;
    }

    /// <summary>The name it was parsed from.</summary>
    public string Name { get; }

    /// <summary>Layers, the one applied first at index 0.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>Depth D.</summary>
    public int Depth => Layers.Count;

    /// <summary>True for the single dense layer.</summary>
    public bool IsDense => Layers.Count == 1 && Layers[0] is DenseLayer;

    /// <summary>True when every layer is a full-range convolution (the product can equal -1/S exactly).</summary>
    public bool IsFullRange => Layers.All(l => l is ConvolutionLayer { IsFull: true });

    /// <summary>True when the exact score lies in the architecture (full layers or dense).</summary>
    public bool RepresentsExactScore => IsFullRange || IsDense;

    /// <summary>Exact number of real parameters per time slice.</summary>
    public long ParameterCount(Lattice lattice) => Layers.Sum(l => l.ParameterCount(lattice));

    /// <summary>Most layers an architecture may have: deeper linear networks only slow training down (each step costs D FFT passes).</summary>
    public const int MaxLayers = 64;

    /// <summary>The accepted forms, for help texts and errors.</summary>
    public static readonly string Syntax = "one-layer, two-layer, one-layer-local:R, two-layer-local:R, " +
        "deep:D, deep-local:D:R, dense or layers:full,local:R,... (R >= 0, 1 <= D <= " + MaxLayers + ", at most " + MaxLayers + " layers)";

    private static readonly string[] Keywords = ["one-layer", "two-layer", "one-layer-local", "two-layer-local", "deep", "deep-local", "dense", "layers"];

    /// <summary>True for a name of this family: its first ':'-separated token is one of the linear keywords.</summary>
    public static bool Claims(string text) =>
        Keywords.Contains(text.Trim().Split(':')[0].ToLowerInvariant(), StringComparer.Ordinal);

    /// <summary>Builds an architecture from layers.</summary>
    public static Architecture FromLayers(string name, IReadOnlyList<Layer> layers)
    {
        if (layers.Count == 0) throw new ArgumentException("an architecture needs at least one layer", nameof(layers));
        if (layers.Count > MaxLayers) throw new ArgumentException($"an architecture has at most {MaxLayers} layers (got {layers.Count})", nameof(layers));
        if (layers.Any(l => l is DenseLayer) && layers.Count > 1)
            throw new ArgumentException("a dense layer can only be used alone (architecture 'dense')", nameof(layers));
        return new Architecture(name, layers.ToArray());
    }

    /// <summary>Parses a command-line name; throws <see cref="FormatException"/> with the accepted forms.</summary>
    public static Architecture Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().ToLowerInvariant().Split(':');
        Layer full = new ConvolutionLayer();
        try
        {
            return parts switch
            {
                ["one-layer"] => FromLayers(text, [full]),
                ["two-layer"] => FromLayers(text, [full, full]),
                ["dense"] => FromLayers(text, [new DenseLayer()]),
                ["one-layer-local", var r] => FromLayers(text, [Local(r)]),
                ["two-layer-local", var r] => FromLayers(text, [Local(r), Local(r)]),
                ["deep", var d] => FromLayers(text, Enumerable.Repeat(full, ParseDepth(d)).ToArray()),
                ["deep-local", var d, var r] => FromLayers(text, Enumerable.Repeat(Local(r), ParseDepth(d)).ToArray()),
                ["layers", ..] => FromLayers(text, ParseList(text.Trim()["layers:".Length..])),
                _ => throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new FormatException(
                $"unknown architecture '{text}': use {Syntax}");
        }
    }

    private static IReadOnlyList<Layer> ParseList(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries).Select(item => item.Split(':') switch
        {
            ["full"] => (Layer)new ConvolutionLayer(),
            ["local", var r] => Local(r),
            _ => throw new FormatException(),
        }).ToArray();

    private static ConvolutionLayer Local(string range)
    {
        int r = int.Parse(range, NumberStyles.None, CultureInfo.InvariantCulture);
        return new ConvolutionLayer(r);
    }

    private static int ParseDepth(string depth)
    {
        int d = int.Parse(depth, NumberStyles.None, CultureInfo.InvariantCulture);
        if (d < 1 || d > MaxLayers) throw new FormatException();
        return d;
    }

    /// <summary>Checks the architecture fits the lattice (local ranges, dense size); throws with a reason.</summary>
    public void Validate(Lattice lattice)
    {
        foreach (var layer in Layers)
        {
            if (layer is ConvolutionLayer c) c.SupportOffsets(lattice);
            if (layer is DenseLayer && lattice.SiteCount > DenseLayer.MaxSites)
                throw new ArgumentOutOfRangeException(nameof(lattice), lattice.SiteCount,
                    $"the dense architecture needs V <= {DenseLayer.MaxSites} sites");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{string.Join(", ", Layers.Select(l => l.Describe()))}]";
}

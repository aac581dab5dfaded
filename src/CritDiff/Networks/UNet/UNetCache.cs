namespace CritDiff.Networks;

/// <summary>
/// Where a sample's forward pass keeps what its backward and tangent passes need, in one array: the conditioning
/// (phi (E), u = W_e phi + b_e (C), e = SiLU(u) (C), FiLM outputs per block (F each)), x padded (n channels at level 0),
/// per block its input h (C V_l), act(h) padded (C), z = conv1 (C V_l), f = FiLM(z) (C V_l) and act(f) padded (C), and the
/// final h (C V_0) with act(h) padded.
/// </summary>
internal sealed class UNetCache
{
    private readonly int[] _blockAt;

    public UNetCache(UNetNetwork net)
    {
        var spec = net.Spec;
        int c = spec.Channels, e = spec.EmbeddingSize, f = net.Layout.FilmWidth;
        long at = 0;
        PhiAt = 0;
        UAt = e;
        EmbeddingAt = e + c;
        FilmAt = e + 2 * c;
        at = FilmAt + (long)spec.BlockCount * f;
        XpAt = Checked(at);
        at += (long)net.Components * net.Levels[0].PaddedStride;
        _blockAt = new int[spec.BlockCount];
        for (int b = 0; b < spec.BlockCount; b++)
        {
            var level = net.Levels[LevelOf(spec, b)];
            _blockAt[b] = Checked(at);
            at += (long)c * (3L * level.SiteCount + 2L * level.PaddedStride);
        }
        FinalAt = Checked(at);
        at += (long)c * (net.Levels[0].SiteCount + net.Levels[0].PaddedStride);
        Length = at;
        if (Length > Array.MaxLength)
            throw new ArgumentException($"'{spec.Name}' needs {Length} cached values per sample; use fewer channels or a smaller lattice", nameof(net));
    }

    /// <summary>Doubles per sample.</summary>
    public long Length { get; }

    public int PhiAt { get; }

    public int UAt { get; }

    public int EmbeddingAt { get; }

    public int FilmAt { get; }

    public int XpAt { get; }

    /// <summary>The final h (C V_0), then act(h) padded.</summary>
    public int FinalAt { get; }

    /// <summary>Start of block b's section: h, act(h) padded, z, f, act(f) padded.</summary>
    public int BlockAt(int block) => _blockAt[block];

    /// <summary>Level of block b: encoder blocks 0..levels-1, the bottleneck at levels, then the decoder from levels-1 down to 0.</summary>
    public static int LevelOf(UNetSpec spec, int block) => block <= spec.Levels ? block : 2 * spec.Levels - block;

    private static int Checked(long at) => at <= Array.MaxLength ? (int)at
        : throw new ArgumentException("the U-Net's cache per sample exceeds the largest array; use fewer channels or a smaller lattice");
}

namespace CritDiff.Networks;

/// <summary>
/// The parameter arrays of <see cref="UNetNetwork"/>, in order: the embedding W_e [C, E] and b_e [C]; the lift K [C, n, 3^d]
/// and b [C]; per block (encoder levels 0..levels-1, the bottleneck, decoder levels levels-1..0) the FiLM map
/// W_f [F, C] and b_f [F] (F = 2C: scale rows, then shift rows; F = C, scale only, with odd), conv1 K [C, C, 3^d] and b,
/// conv2 K [C, C, 3^d] and b; the output K [n, C, 3^d]. With odd there are no bias arrays. Kernels are laid out
/// [out, in, e], offsets e lexicographic (-1..1 per axis, axis 0 slowest) as in <see cref="NonlinearConvNetwork"/>.
/// </summary>
internal sealed class UNetLayout
{
    private const int None = -1;
    private readonly int _blockStart, _perBlock;

    public UNetLayout(UNetSpec spec, int dimension, int components)
    {
        int c = spec.Channels, n = components, k = (int)Math.Pow(3, dimension), e = spec.EmbeddingSize;
        bool bias = !spec.Odd;
        FilmWidth = spec.Odd ? c : 2 * c;
        var lengths = new List<int>();
        int Add(int length, bool present = true)
        {
            if (!present) return None;
            lengths.Add(length);
            return lengths.Count - 1;
        }
        EmbeddingWeights = Add(checked(c * e));
        EmbeddingBias = Add(c, bias);
        LiftKernel = Add(checked(c * n * k));
        LiftBias = Add(c, bias);
        _blockStart = lengths.Count;
        for (int b = 0; b < spec.BlockCount; b++)
        {
            Add(checked(FilmWidth * c));
            Add(FilmWidth, bias);
            Add(checked(c * c * k));
            Add(c, bias);
            Add(checked(c * c * k));
            Add(c, bias);
        }
        _perBlock = bias ? 6 : 3;
        OutputKernel = Add(checked(n * c * k));
        Lengths = lengths.ToArray();
    }

    /// <summary>Reals per array.</summary>
    public int[] Lengths { get; }

    /// <summary>FiLM outputs per block: 2C (scale, shift) or C (scale, with odd).</summary>
    public int FilmWidth { get; }

    public int EmbeddingWeights { get; }

    /// <summary>-1 with odd (as every bias index).</summary>
    public int EmbeddingBias { get; }

    public int LiftKernel { get; }

    public int LiftBias { get; }

    public int OutputKernel { get; }

    public int FilmWeights(int block) => _blockStart + block * _perBlock;

    public int FilmBias(int block) => _perBlock == 6 ? FilmWeights(block) + 1 : None;

    public int Conv1Kernel(int block) => FilmWeights(block) + (_perBlock == 6 ? 2 : 1);

    public int Conv1Bias(int block) => _perBlock == 6 ? FilmWeights(block) + 3 : None;

    public int Conv2Kernel(int block) => FilmWeights(block) + (_perBlock == 6 ? 4 : 2);

    public int Conv2Bias(int block) => _perBlock == 6 ? FilmWeights(block) + 5 : None;

    /// <summary>The array at <paramref name="index"/>, empty for an absent one (index -1).</summary>
    public static double[] At(double[][] arrays, int index) => index == None ? [] : arrays[index];
}

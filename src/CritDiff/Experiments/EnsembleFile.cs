using System.Security.Cryptography;
using System.Text.Json;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;

namespace CritDiff.Experiments;

/// <summary>
/// Ensembles on disk: a NumPy .npy array of float64 in C order with shape [N, L, ..., L] for n = 1 and
/// [N, n, L, ..., L] for n &gt; 1 (the in-memory component-major layout, so no reordering), and a JSON side-car at the
/// same path with ".json" appended (<see cref="SideCarPath"/>; fields in <see cref="EnsembleSideCar"/>).
/// Writing is atomic: both files are written in full to temporary names in the same folder, then renamed, array first;
/// a writer that throws leaves nothing behind (and an existing ensemble untouched). The side-car holds the SHA-256 of
/// the array, so an array without its own side-car (a kill between the two renames, a replaced file) is refused.
/// </summary>
public static class EnsembleFile
{
    /// <summary>The side-car's path: <paramref name="npyPath"/> + ".json" (ising.npy -> ising.npy.json).</summary>
    public static string SideCarPath(string npyPath) => npyPath + ".json";

    /// <summary>Writes a generated ensemble to <paramref name="path"/> (.npy) and its side-car.</summary>
    public static void Write(string path, Ensemble ensemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        Write(path, EnsembleSideCar.Of(ensemble), ensemble.Configurations);
    }

    /// <summary>
    /// Writes any configurations with a side-car that describes them (e.g. generated samples): the side-car's shape and
    /// count must agree with its model and with <paramref name="configurations"/>; npy and npy_sha256 are filled in.
    /// </summary>
    public static void Write(string path, EnsembleSideCar sideCar, ReadOnlySpan<double> configurations) =>
        Write(path, sideCar, configurations, null);

    /// <summary>The writer with a hook around the .npy stream (tests make it throw half-way).</summary>
    internal static void Write(string path, EnsembleSideCar sideCar, ReadOnlySpan<double> configurations, Func<Stream, Stream>? wrap)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(sideCar);
        var expected = Ensemble.ShapeOf(sideCar.Count, sideCar.Model.Components, sideCar.Model.Lattice.Shape);
        if (!sideCar.Shape.SequenceEqual(expected))
            throw new ArgumentException($"side-car shape [{string.Join(", ", sideCar.Shape)}] disagrees with its model (expected [{string.Join(", ", expected)}])", nameof(sideCar));
        long values = (long)sideCar.Count * sideCar.Model.Components * sideCar.Model.Lattice.SiteCount;
        if (configurations.Length != values)
            throw new ArgumentException($"expected N n V = {values} values for shape [{string.Join(", ", expected)}], got {configurations.Length}", nameof(configurations));
        // Fresh temporary names; stale ones of a killed earlier writer of this ensemble are removed first.
        string npyTemporary = AtomicFile.TemporaryPath(path), jsonTemporary = AtomicFile.TemporaryPath(SideCarPath(path));
        try
        {
            using (var file = new FileStream(npyTemporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var stream = wrap?.Invoke(file) ?? file;
                NpyFile.Write(stream, configurations, expected);
                stream.Flush();
                file.Flush(flushToDisk: true);
            }
            var complete = sideCar with { NpyFile = Path.GetFileName(path), NpySha256 = Sha256(npyTemporary) };
            File.WriteAllText(jsonTemporary, JsonFormats.Serialize(complete, ExperimentFolder.Json) + "\n");
            File.Move(npyTemporary, path, overwrite: true);
            File.Move(jsonTemporary, SideCarPath(path), overwrite: true);
        }
        finally
        {
            if (File.Exists(npyTemporary)) File.Delete(npyTemporary);
            if (File.Exists(jsonTemporary)) File.Delete(jsonTemporary);
        }
    }

    /// <summary>
    /// Reads an ensemble and its side-car, checking format, checksum (unless <paramref name="verifyChecksum"/> is false) and
    /// that the array's shape is the one the side-car and its model give. Throws <see cref="InvalidDataException"/> with the
    /// reason otherwise.
    /// </summary>
    public static EnsembleData Read(string path, bool verifyChecksum = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new InvalidDataException($"ensemble '{path}' does not exist");
        string sideCarPath = SideCarPath(path);
        if (!File.Exists(sideCarPath))
            throw new InvalidDataException($"'{path}' has no side-car '{sideCarPath}' (an interrupted write, or an array from elsewhere: read it with ReadBare and a dimension)");
        var sideCar = ReadSideCar(sideCarPath);
        if (verifyChecksum && sideCar.NpySha256 is { } hash && !string.Equals(hash, Sha256(path), StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"'{path}' is not the array its side-car describes (checksum differs: an interrupted write or a replaced file)");
        var array = NpyFile.Read(path);
        var model = sideCar.Model;
        var expected = Ensemble.ShapeOf(sideCar.Count, model.Components, model.Lattice.Shape);
        if (!sideCar.Shape.SequenceEqual(expected))
            throw new InvalidDataException($"side-car '{sideCarPath}' is inconsistent: shape [{string.Join(", ", sideCar.Shape)}] but n = {model.Components}, d = {model.Dimension}, L = {model.Length}, N = {sideCar.Count}");
        if (!array.Shape.SequenceEqual(expected))
            throw new InvalidDataException($"'{path}' has shape [{string.Join(", ", array.Shape)}], its side-car says [{string.Join(", ", expected)}]");
        return new EnsembleData(array.Data, sideCar.Count, model.Components, model.Lattice, sideCar);
    }

    /// <summary>
    /// Reads a .npy without a side-car as configurations on a d-dimensional lattice: shape [N, L..L] (d + 1 axes) is
    /// n = 1, [N, n, L..L] (d + 2 axes) is n components; all lattice axes must be equal.
    /// </summary>
    public static EnsembleData ReadBare(string path, int dimension)
    {
        var array = NpyFile.Read(path);
        var (count, components, lattice) = Interpret(array.Shape, dimension);
        return new EnsembleData(array.Data, count, components, lattice, null);
    }

    /// <summary>(N, n, lattice) of an array shape on a d-dimensional lattice; throws <see cref="InvalidDataException"/> if it is neither layout.</summary>
    public static (int Count, int Components, Lattice Lattice) Interpret(int[] shape, int dimension)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (dimension is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "d must be in 1..4");
        int components = shape.Length == dimension + 1 ? 1 : shape.Length == dimension + 2 ? shape[1] : -1;
        var axes = shape.Skip(shape.Length - dimension).ToArray();
        if (components < 1 || shape[0] < 1 || axes.Any(a => a != axes[0]) || axes[0] < 2)
            throw new InvalidDataException($"shape [{string.Join(", ", shape)}] is neither [N, L..L] nor [N, n, L..L] with {dimension} equal lattice axes");
        return (shape[0], components, new Lattice(dimension, axes[0]));
    }

    /// <summary>Reads and checks a side-car file.</summary>
    public static EnsembleSideCar ReadSideCar(string sideCarPath)
    {
        EnsembleSideCar? sideCar;
        try
        {
            sideCar = JsonFormats.Deserialize<EnsembleSideCar>(LegacyKeys.Upgrade(File.ReadAllText(sideCarPath), LegacyKeys.MonteCarloSettings), ExperimentFolder.Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"side-car '{sideCarPath}' is not valid JSON for an ensemble: {e.Message}");
        }
        if (sideCar is null) throw new InvalidDataException($"side-car '{sideCarPath}' is empty");
        if (sideCar.Format != EnsembleSideCar.FormatName || sideCar.Version > EnsembleSideCar.CurrentVersion)
            throw new InvalidDataException($"'{sideCarPath}' is format '{sideCar.Format}' version {sideCar.Version}, expected '{EnsembleSideCar.FormatName}' version <= {EnsembleSideCar.CurrentVersion}");
        try
        {
            _ = sideCar.Model.Lattice;
            if (sideCar.Model.Components is < 1 or > Fields.SpinModel.MaxComponents || sideCar.Count < 1)
                throw new ArgumentOutOfRangeException(nameof(sideCarPath), $"n = {sideCar.Model.Components}, N = {sideCar.Count}");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"side-car '{sideCarPath}' describes no valid ensemble: {e.Message}");
        }
        return sideCar;
    }

    private static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Persistence;

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
            File.WriteAllText(jsonTemporary, JsonFiles.Serialize(complete, JsonFiles.RunFolder) + "\n");
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

    /// <summary>
    /// Reads and checks a side-car file. Every field that does not read (wrong JSON type, missing, null where required,
    /// out of range) throws <see cref="InvalidDataException"/> "side-car 'FILE': field 'X' ..." naming it.
    /// </summary>
    public static EnsembleSideCar ReadSideCar(string sideCarPath)
    {
        EnsembleSideCar? sideCar;
        try
        {
            sideCar = JsonFiles.Deserialize<EnsembleSideCar>(LegacyKeys.Upgrade(File.ReadAllText(sideCarPath), LegacyKeys.MonteCarloSettings), JsonFiles.RunFolder);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"side-car '{sideCarPath}': {JsonProblem(e)}");
        }
        if (sideCar is null) throw new InvalidDataException($"side-car '{sideCarPath}' is empty");
        if (Invalid(sideCar) is { } problem) throw new InvalidDataException($"side-car '{sideCarPath}': {problem}");
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

    /// <summary>A JSON reader failure as "field 'X' ...": the field of its path, or the missing required fields.</summary>
    private static string JsonProblem(JsonException e)
    {
        var missing = System.Text.RegularExpressions.Regex.Match(e.Message, "missing required properties including: (.*?)\\.?$",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        if (missing.Success) return $"field {missing.Groups[1].Value.Trim()} is missing";
        string field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "";
        return field.Length > 0
            ? $"field '{field}' has the wrong type or form (not valid JSON for an ensemble side-car)"
            : $"not valid JSON for an ensemble side-car: {e.Message.Split('\n')[0]}";
    }

    /// <summary>
    /// The first field of a deserialised side-car that is null where it is required, of the wrong kind or out of range
    /// ("field 'X' ..."), or null when all read. JSON null passes the deserialiser for required reference fields and for
    /// optional ones, so every field a reader uses is checked here once.
    /// </summary>
    internal static string? Invalid(EnsembleSideCar s)
    {
        static string Null(string field) => $"field '{field}' is missing or null";
        static string F(double? x) => x?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "null";
        static bool Bad(double? x, double min, double max) => x is { } v && !(v >= min && v <= max);
        if (s.Format is null) return Null("format");
        if (s.Shape is null) return Null("shape");
        if (s.Model is not { } m) return Null("model");
        if (s.Algorithm is null) return Null("algo");
        if (s.Warnings is null || s.Warnings.Any(w => w is null)) return "field 'warnings' must be a list of strings";
        if (m.Kind is null) return Null("model.kind");
        if (m.Kind is not ("on" or "phi4" or "gaussian")) return $"field 'model.kind' is '{m.Kind}' (expected on, phi4 or gaussian)";
        (string Name, double? Value, bool Required)[] couplings = m.Kind switch
        {
            "on" => [("model.beta", m.Beta, true), ("model.beta_unit", m.BetaUnit, false)],
            "phi4" => [("model.kappa", m.Kappa, true), ("model.lambda", m.Lambda, true)],
            _ => [("model.mu2", m.MassSquared, true), ("model.beta", m.Beta, false)],
        };
        foreach (var (name, value, required) in couplings)
        {
            if (required && value is null) return Null(name);
            if (Bad(value, 0, double.MaxValue)) return $"field '{name}' must be >= 0 and finite (got {F(value)})";
        }
        if (s.Chains is < 1) return $"field 'chains' must be >= 1 (got {s.Chains})";
        if (s.Thermalization is < 0) return $"field 'thermalize' must be >= 0 (got {s.Thermalization})";
        if (s.PilotSweeps is < 0) return $"field 'pilot_sweeps' must be >= 0 (got {s.PilotSweeps})";
        if (s.Spacing is < 1) return $"field 'spacing' must be >= 1 (got {s.Spacing})";
        if (s.SiteUpdates is < 0) return $"field 'site_updates' must be >= 0 (got {s.SiteUpdates})";
        if (Bad(s.Acceptance, 0, 1)) return $"field 'acceptance' must be in [0, 1] (got {F(s.Acceptance)})";
        if (Bad(s.StepSize, double.Epsilon, double.MaxValue)) return $"field 'step_size' must be > 0 and finite (got {F(s.StepSize)})";
        if (Bad(s.WallSeconds, 0, double.MaxValue)) return $"field 'wall_seconds' must be >= 0 and finite (got {F(s.WallSeconds)})";
        foreach (var (group, values) in new[] { ("tau_int", s.TauInt), ("observables", s.Observables) })
            if (values?.FirstOrDefault(p => p.Value is null) is { Key: { } key }) return Null($"{group}.{key}");
        return null;
    }

    private static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

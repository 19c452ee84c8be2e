namespace Neuromorphic.Hardware;

/// <summary>The chips available to a run: one file, or every <c>*.yaml</c>/<c>*.yml</c> file in a folder
/// (<c>simulate --hardware all</c>).</summary>
public sealed class HardwareCatalog
{
    private HardwareCatalog(IReadOnlyList<ChipModel> chips) => Chips = chips;

    public IReadOnlyList<ChipModel> Chips { get; }

    /// <summary>Loads a file, or all chip files in a folder, sorted by chip name. Two chips with one name are an error.</summary>
    public static HardwareCatalog Load(string fileOrFolder)
    {
        if (Directory.Exists(fileOrFolder)) return LoadFolder(fileOrFolder);
        return new HardwareCatalog([ChipModelLoader.LoadFile(fileOrFolder)]);
    }

    public static HardwareCatalog LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new HardwareModelException(folder, 0, "(folder)", "the folder does not exist");
        var files = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            throw new HardwareModelException(folder, 0, "(folder)", "no chip files (*.yaml) in the folder");
        var chips = new List<ChipModel>();
        foreach (var f in files)
        {
            var chip = ChipModelLoader.LoadFile(f);
            if (chips.FirstOrDefault(c => string.Equals(c.Name, chip.Name, StringComparison.OrdinalIgnoreCase)) is { } twin)
                throw new HardwareModelException(f, 0, "chip.name", $"the chip name '{chip.Name}' is already used by {twin.SourceFile}");
            chips.Add(chip);
        }
        return new HardwareCatalog(chips.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>The chip with this name (case-insensitive), or null.</summary>
    public ChipModel? Find(string name) =>
        Chips.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}

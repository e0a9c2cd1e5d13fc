using System.Text;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>The content of a UDF symbolic link (ECMA-167 4/14.16): path components, turned into a '/'-separated target.</summary>
internal static class UdfSymlink
{
    /// <summary>The longest link content read.</summary>
    public const int MaxLength = 4096;

    /// <summary>The target recorded in <paramref name="content"/>: "/" first for the root, then the components.</summary>
    /// <exception cref="IsoFormatException">A path component is corrupt.</exception>
    public static string Parse(ReadOnlySpan<byte> content, string where)
    {
        var target = new StringBuilder();
        int at = 0;
        while (at < content.Length)
        {
            string structure = $"UDF symbolic link {where} path component at byte {at}";
            if (content.Length - at < 4)
            {
                throw new IsoFormatException(structure, "fewer than the 4 bytes of a path component are left");
            }

            int type = content[at];
            int length = content[at + 1];
            if (at + 4 + length > content.Length)
            {
                throw new IsoFormatException(structure, $"its identifier of {length} bytes runs past the link's content");
            }

            var identifier = content.Slice(at + 4, length);
            at += 4 + length;
            switch (type)
            {
                case 1 or 2: // the root (type 1 with an identifier names an implementation-defined root: taken as the root too)
                    target.Clear().Append('/');
                    continue;
                case 3:
                    Append(target, "..");
                    break;
                case 4:
                    Append(target, ".");
                    break;
                case 5:
                    Append(target, UdfCs0.Decode(identifier, structure));
                    break;
                default:
                    throw new IsoFormatException(structure, $"component type {type} is not defined");
            }
        }

        return target.ToString();
    }

    private static void Append(StringBuilder target, string component)
    {
        if (target.Length > 0 && target[^1] != '/')
        {
            target.Append('/');
        }

        target.Append(component);
    }
}

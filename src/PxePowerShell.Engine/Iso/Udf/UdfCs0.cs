using System.Text;

namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// OSTA Compressed Unicode (CS0 as UDF restricts it): a compression identifier byte, then 8-bit code points (8, or 254
/// in UDF 2.50 and later) or big-endian 16-bit units (16, or 255), which may hold surrogate pairs.
/// </summary>
internal static class UdfCs0
{
    /// <summary>Decodes <paramref name="bytes"/> (compression identifier first); empty for an empty string.</summary>
    /// <exception cref="IsoFormatException">An unknown compression identifier.</exception>
    public static string Decode(ReadOnlySpan<byte> bytes, string structure)
    {
        if (bytes.Length <= 1)
        {
            return string.Empty;
        }

        var body = bytes[1..];
        return bytes[0] switch
        {
            8 or 254 => Encoding.Latin1.GetString(body),
            16 or 255 => Encoding.BigEndianUnicode.GetString(body[..(body.Length & ~1)]),
            _ => throw new IsoFormatException(structure, $"OSTA CS0 compression identifier {bytes[0]} is neither 8 nor 16"),
        };
    }

    /// <summary>
    /// Decodes a d-string field: the characters, with the last byte of the field giving how many bytes of it are used
    /// (compression identifier included). Trailing NULs and spaces are trimmed.
    /// </summary>
    public static string DecodeDString(ReadOnlySpan<byte> field, string structure)
    {
        if (field.Length == 0)
        {
            return string.Empty;
        }

        int used = field[^1];
        if (used >= field.Length)
        {
            throw new IsoFormatException(structure, $"d-string length {used} does not fit its {field.Length}-byte field");
        }

        return Decode(field[..used], structure).TrimEnd('\0', ' ');
    }
}

using System.Text;

namespace PxePowerShell.Engine.Boot.Grub;

/// <summary>
/// Splits GRUB script text into commands: words separated by blanks, a command ending at a newline or ';', '#' starting
/// a comment at the start of a word, single quotes literal, double quotes and bare text open to <c>$</c> expansion, a
/// backslash quoting the next character (a backslash-newline joins lines). <c>{</c> and <c>}</c> come out as commands of
/// their own, so a menuentry's body is the commands between them. Pure and bounded by the input's length.
/// </summary>
internal static class GrubLexer
{
    /// <summary>The commands of <paramref name="text"/>, each a non-empty list of words.</summary>
    public static List<IReadOnlyList<GrubWord>> Commands(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var commands = new List<IReadOnlyList<GrubWord>>();
        var words = new List<GrubWord>();
        var parts = new List<(string, bool)>();
        var current = new StringBuilder();
        bool currentLiteral = false;
        bool inWord = false;
        int line = 1, wordLine = 1;

        void Flush(bool literal)
        {
            if (current.Length > 0 && currentLiteral != literal)
            {
                parts.Add((current.ToString(), currentLiteral));
                current.Clear();
            }

            currentLiteral = literal;
        }

        void EndWord()
        {
            if (!inWord)
            {
                return;
            }

            if (current.Length > 0)
            {
                parts.Add((current.ToString(), currentLiteral));
                current.Clear();
            }

            var word = new GrubWord([.. parts], wordLine);
            parts.Clear();
            inWord = false;
            if (word.Is("{") || word.Is("}"))
            {
                EndCommand();
                commands.Add([word]);
                return;
            }

            words.Add(word);
        }

        void EndCommand()
        {
            if (words.Count > 0)
            {
                commands.Add([.. words]);
                words.Clear();
            }
        }

        void Begin()
        {
            if (!inWord)
            {
                inWord = true;
                wordLine = line;
            }
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\n':
                    EndWord();
                    EndCommand();
                    line++;
                    continue;
                case ' ' or '\t' or '\r':
                    EndWord();
                    continue;
                case ';':
                    EndWord();
                    EndCommand();
                    continue;
                case '#' when !inWord:
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    continue;
                case '\\':
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                        line++;
                        continue;
                    }

                    Begin();
                    Flush(literal: true);
                    if (i + 1 < text.Length)
                    {
                        current.Append(text[++i]);
                    }

                    continue;
                case '\'':
                    Begin();
                    Flush(literal: true);
                    for (i++; i < text.Length && text[i] != '\''; i++)
                    {
                        line += text[i] == '\n' ? 1 : 0;
                        current.Append(text[i]);
                    }

                    continue;
                case '"':
                    Begin();
                    Flush(literal: false);
                    for (i++; i < text.Length && text[i] != '"'; i++)
                    {
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$')
                        {
                            if (text[i + 1] == '$')
                            {
                                Flush(literal: true);
                                current.Append('$');
                                Flush(literal: false);
                                i++;
                                continue;
                            }

                            i++;
                        }

                        line += text[i] == '\n' ? 1 : 0;
                        current.Append(text[i]);
                    }

                    continue;
                default:
                    Begin();
                    Flush(literal: false);
                    current.Append(c);
                    continue;
            }
        }

        EndWord();
        EndCommand();
        return commands;
    }
}

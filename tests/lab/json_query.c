/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json_query FILE [PATH]: check that FILE is one well-formed JSON value
 * (RFC 8259: objects, arrays, strings with escapes, numbers, true, false,
 * null; nothing after it), exit 1 naming the byte offset if not. With a
 * PATH, print the values it selects, one per line (strings unquoted and
 * unescaped as far as ASCII goes, anything else as written):
 *   .key        a member of an object
 *   []          every element of an array
 *   e.g. "[].domid", "[].connectors[].unique_id", ".total_memory"
 * dom0 has no jq; the lab's --json checks read xl's output with this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct in {
    const char *s;
    size_t n, i;
};

static void die(const struct in *p, const char *what)
{
    fprintf(stderr, "json_query: %s at byte %zu\n", what, p->i);
    exit(1);
}

static void ws(struct in *p)
{
    while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]))
        p->i++;
}

static int peek(struct in *p)
{
    ws(p);
    return p->i < p->n ? (unsigned char)p->s[p->i] : -1;
}

/* a selected value, printed */
static void emit(const struct in *p, size_t from, size_t to, int string)
{
    if (!string) {
        fwrite(p->s + from, 1, to - from, stdout);
        putchar('\n');
        return;
    }
    for (size_t k = from + 1; k + 1 < to; k++) {
        char c = p->s[k];
        if (c == '\\') {
            c = p->s[++k];
            putchar(c == 'n' ? '\n' : c == 't' ? '\t' : c == 'u' ? '?' : c);
            if (c == 'u')
                k += 4;
        } else {
            putchar(c);
        }
    }
    putchar('\n');
}

static void value(struct in *p, const char *path, int sel);

static void string(struct in *p)
{
    if (peek(p) != '"')
        die(p, "expected a string");
    for (p->i++; p->i < p->n; p->i++) {
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            p->i++;
            return;
        }
        if (c < 0x20)
            die(p, "control character in a string");
        if (c == '\\') {
            c = (unsigned char)p->s[++p->i];
            if (c == 'u') {
                for (int k = 0; k < 4; k++)
                    if (!strchr("0123456789abcdefABCDEF", p->s[++p->i]) || !p->s[p->i])
                        die(p, "bad \\u escape");
            } else if (!strchr("\"\\/bfnrt", c) || !c) {
                die(p, "bad escape");
            }
        }
    }
    die(p, "unterminated string");
}

static void number(struct in *p)
{
    size_t st = p->i;
    if (p->s[p->i] == '-')
        p->i++;
    if (p->i < p->n && p->s[p->i] == '0')
        p->i++;
    else if (p->i < p->n && p->s[p->i] >= '1' && p->s[p->i] <= '9')
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
    else
        die(p, "bad number");
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        if (!(p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9'))
            die(p, "bad fraction");
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        if (!(p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9'))
            die(p, "bad exponent");
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
    }
    (void)st;
}

/* path: what is left of the selector for this value; sel: print it when
 * the selector is used up */
static void value(struct in *p, const char *path, int sel)
{
    int c = peek(p);
    size_t from = p->i;   /* after the blanks peek skipped */
    int done = sel && path && !*path;
    if (c == '{') {
        p->i++;
        if (peek(p) == '}') {
            p->i++;
        } else {
            for (;;) {
                peek(p);
                size_t ks = p->i;
                string(p);
                const char *next = NULL;
                if (sel && path && path[0] == '.') {
                    size_t kl = p->i - ks - 2, pl = strcspn(path + 1, ".[");
                    if (kl == pl && !memcmp(p->s + ks + 1, path + 1, kl))
                        next = path + 1 + pl;
                }
                if (peek(p) != ':')
                    die(p, "expected ':'");
                p->i++;
                value(p, next, next != NULL);
                c = peek(p);
                if (c == ',') {
                    p->i++;
                    continue;
                }
                if (c == '}') {
                    p->i++;
                    break;
                }
                die(p, "expected ',' or '}'");
            }
        }
    } else if (c == '[') {
        p->i++;
        const char *next = sel && path && !strncmp(path, "[]", 2) ? path + 2 : NULL;
        if (peek(p) == ']') {
            p->i++;
        } else {
            for (;;) {
                value(p, next, next != NULL);
                c = peek(p);
                if (c == ',') {
                    p->i++;
                    continue;
                }
                if (c == ']') {
                    p->i++;
                    break;
                }
                die(p, "expected ',' or ']'");
            }
        }
    } else if (c == '"') {
        string(p);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        number(p);
    } else if (p->n - p->i >= 4 && !memcmp(p->s + p->i, "true", 4)) {
        p->i += 4;
    } else if (p->n - p->i >= 5 && !memcmp(p->s + p->i, "false", 5)) {
        p->i += 5;
    } else if (p->n - p->i >= 4 && !memcmp(p->s + p->i, "null", 4)) {
        p->i += 4;
    } else {
        die(p, "expected a value");
    }
    if (done)
        emit(p, from, p->i, c == '"');
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: json_query FILE [PATH]\n");
        return 2;
    }
    FILE *f = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static char buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    if (f != stdin)
        fclose(f);
    struct in p = { buf, n, 0 };
    value(&p, argc == 3 ? argv[2] : NULL, argc == 3);
    if (peek(&p) != -1)
        die(&p, "text after the value");
    return 0;
}

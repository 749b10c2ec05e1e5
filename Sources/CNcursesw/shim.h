#ifndef ROTATION_CNCURSESW_SHIM_H
#define ROTATION_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's ncursesw defines ("prohibited flags"), so set them here.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <string.h>
#include <ncursesw/ncurses.h>

// C globals and function-like macros do not import into Swift: wrap them.
static inline WINDOW *rotation_stdscr(void) { return stdscr; }
static inline int rotation_lines(void) { return LINES; }
static inline int rotation_cols(void) { return COLS; }
static inline int rotation_colors(void) { return COLORS; }
static inline int rotation_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t rotation_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t rotation_a_bold(void) { return A_BOLD; }
static inline attr_t rotation_a_dim(void) { return A_DIM; }
static inline attr_t rotation_a_underline(void) { return A_UNDERLINE; }
static inline attr_t rotation_a_reverse(void) { return A_REVERSE; }
static inline attr_t rotation_a_italic(void) { return A_ITALIC; }
static inline attr_t rotation_a_normal(void) { return A_NORMAL; }
static inline int rotation_key_resize(void) { return KEY_RESIZE; }
static inline int rotation_err(void) { return ERR; }

// glibc declares it only under _XOPEN_SOURCE; ncurses positions the cursor by it.
extern int wcwidth(wchar_t);

/// Puts one cell (a base character and its combining marks, NUL-terminated) with attributes and a colour pair at
/// (y, x); `width` is the width Rotation measured for it. When ncurses refuses the character (setcchar or add_wch
/// fails), or the C library does not know it (wcwidth -1: newer than its Unicode tables, so ncurses would guess a
/// width the terminal may not draw, and the rest of the row would shift), `fallback` is put there instead, so a
/// cell never keeps what it held before and never moves its neighbours. Returns the columns ncurses advanced (1 or
/// 2; `width` at the bottom-right corner, where ncurses cannot advance), or 0 when even the fallback was refused.
static inline int rotation_put_cell(int y, int x, const wchar_t *wch, wchar_t fallback, int width, attr_t attrs,
                                    short pair) {
    cchar_t cell;
    memset(&cell, 0, sizeof cell);
    int lastCell = (y == LINES - 1) && (x + width >= COLS);
    int ok = wcwidth(wch[0]) >= 0 && setcchar(&cell, wch, attrs, pair, NULL) != ERR;
    if (ok) ok = mvadd_wch(y, x, &cell) != ERR || lastCell;
    if (!ok) {
        wchar_t stand_in[2] = { fallback, 0 };
        memset(&cell, 0, sizeof cell);
        if (setcchar(&cell, stand_in, attrs, pair, NULL) == ERR) return 0;
        if (mvadd_wch(y, x, &cell) == ERR && !lastCell) return 0;
    }
    if (lastCell) return width;
    int advanced = getcurx(stdscr) - x;
    return advanced > 0 ? advanced : width;
}
#endif

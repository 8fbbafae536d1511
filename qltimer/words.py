"""The phrase catalogue: every word a run shows or says, in one place. No Qt here.

Each cue has two wordings made here together: what the screen shows (short, read at a glance
from across the room) and what the voice says (a whole sentence, heard without looking). They
say the same thing: "Switch sides" on screen is "Switch to your right side." in the voice. The
engine builds its cues from these functions, the voice speaks them (:mod:`qltimer.phrases`),
and the run screen shows them; wording changed here changes everywhere, and this is the one
file to translate.

Numbers are said as words ("forty-seven seconds"): a speech engine reads "47 s" as
"forty-seven ess".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from qltimer.formats import short_number
from qltimer.script import Side, StepKind

# -- single words --------------------------------------------------------------------------------

GET_READY = "Get ready"
SWITCH_SIDES = "Switch sides"
REST = "Rest"
GO = "Go"
DONE = "Done"
HALFWAY = "Halfway"
BREATHE_IN = "Breathe in"
BREATHE_OUT = "Breathe out"
SESSION_COMPLETE = "Session complete"
PAUSED = "Paused"
GO_ON = "Go on"
STOPPED = "Stopped"

# -- numbers in words ---------------------------------------------------------------------------

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number(n: int) -> str:
    """*n* (0 to 9999) in words: 47 -> "forty-seven", 125 -> "one hundred and twenty-five"."""
    if n < 0:
        return "minus " + number(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {number(rest)}" if rest else "")
    if n < 10000:
        thousands, rest = divmod(n, 1000)
        joint = " and " if 0 < rest < 100 else " "
        return f"{_ONES[thousands]} thousand" + (f"{joint}{number(rest)}" if rest else "")
    return str(n)


def duration(seconds: int) -> str:
    """A whole number of seconds in words: "forty-seven seconds", "sixty seconds" (a hold is
    counted in seconds up to two minutes), "two minutes and five seconds"."""
    seconds = max(0, seconds)
    if seconds < 120:
        return f"{number(seconds)} second" + ("" if seconds == 1 else "s")
    minutes, rest = divmod(seconds, 60)
    said = f"{number(minutes)} minute" + ("" if minutes == 1 else "s")
    if rest:
        said += f" and {number(rest)} second" + ("" if rest == 1 else "s")
    return said


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


# -- sides and names ----------------------------------------------------------------------------


def side_label(kind: StepKind, side: Side) -> str:
    """The side in words, "left side", or "left hand" for a carry (the weight is in it)."""
    return f"{side.value} {'hand' if kind is StepKind.LAPS else 'side'}"


def part(name: str, kind: StepKind, side: Side | None) -> str:
    """An exercise part as said: "side plank, left side"."""
    return f"{name}, {side_label(kind, side)}" if side is not None else name


# -- what comes next ----------------------------------------------------------------------------


def get_ready_said(name: str, kind: StepKind, side: Side | None) -> str:
    """ "Side plank, left side. Get ready." """
    return sentence(part(name, kind, side)) + f" {GET_READY}."


def switch_said(kind: StepKind, side: Side | None) -> str:
    """ "Switch to your right side." (or "... right hand." for a carry)"""
    if side is None:
        return SWITCH_SIDES + "."
    return f"Switch to your {side_label(kind, side)}."


def rest_said(name: str | None, kind: StepKind | None, side: Side | None) -> str:
    """ "Rest. Next: side plank, right side." (or "Rest." with nothing after it)"""
    if name is None or kind is None:
        return REST + "."
    return f"{REST}. Next: {part(name, kind, side)}."


def side_next_shown(kind: StepKind, side: Side) -> str:
    return side_label(kind, side).capitalize() + " next"


def side_shown(kind: StepKind, side: Side) -> str:
    return side_label(kind, side).capitalize()


# What a voice chosen in the Sound menu says, to be heard before a session.
SAMPLE = "Side plank, left side. Get ready."


# -- during the work ----------------------------------------------------------------------------


def remaining_shown(seconds: float) -> str:
    return f"{short_number(seconds)} seconds"


def remaining_said(seconds: float) -> str:
    whole = float(seconds).is_integer()
    return sentence(duration(int(seconds)) if whole else f"{seconds:g} seconds")


def target_shown(seconds: float) -> str:
    return f"{short_number(seconds)} s reached - keep going if you can"


def target_said(seconds: float) -> str:
    return sentence(duration(int(seconds))) + " Keep going if you can."


def counted_shown(kind: StepKind, n: int) -> str:
    """ "Lap 3" or "Rep 3", for the screen."""
    return f"{'Lap' if kind is StepKind.LAPS else 'Rep'} {n}"


def counted_said(n: int, target: int | None) -> str:
    """A lap or rep as counted: "Three.", and near the end "Eight. Two to go." """
    said = sentence(number(n))
    left = None if target is None else target - n
    if left == 1:
        return said + " One to go."
    if left is not None and 1 < left <= 3:
        return said + f" {number(left).capitalize()} to go."
    return said


def held_shown(seconds: int) -> str:
    return f"{seconds} s held"


def held_said(seconds: int) -> str:
    """The time a hold lasted when it ended early or ran over: "Forty-seven seconds." """
    return sentence(duration(seconds))


def form_lost_shown(seconds: int) -> str:
    return f"Form lost: {seconds} s held"


def form_lost_said(seconds: int) -> str:
    """The camera ended a hold: "Form lost. Forty-seven seconds." """
    return f"Form lost. {sentence(duration(seconds))}"


def user_said(text: str) -> str:
    """The person's own prompt as said: their words, as a sentence."""
    return sentence(text)


# -- the end -------------------------------------------------------------------------------------


def result_said(holds: Sequence[tuple[Side, int]], laps: Iterable[int] = ()) -> str:
    """A short spoken result: "Left thirty-five seconds, right sixty." for the side holds
    (each side's best, in the order given); "Eight laps." for carries alone; "" with neither.
    The unit is said once, on the first figure, as a person would."""
    if holds:
        short = all(seconds < 120 for _, seconds in holds)
        bits = [
            f"{side.value} {duration(seconds) if i == 0 or not short else number(seconds)}"
            for i, (side, seconds) in enumerate(holds)
        ]
        return sentence(", ".join(bits))
    total = sum(laps)
    if total:
        return sentence(f"{number(total)} lap" + ("" if total == 1 else "s"))
    return ""


# -- the camera form check ------------------------------------------------------------------------

CAMERA_WORDS = "form lost: the camera ended it"  # a hold the camera ended, in the history
CAMERA_PRIVACY = (
    "Camera check: each picture becomes a few body points on this computer and is thrown away. "
    "Nothing is saved or sent."
)
CAMERA_ABOUT = """\
The camera form check watches a side plank the way a tester would: when your hips drop out of \
line for about a second, it ends the hold and keeps the time up to that moment. Your history \
marks that hold "form lost: the camera ended it".

It works only in side-plank holds marked for it (the side plank and the side plank test), and \
the camera is on only during those holds and the get-ready before them. Turn it on or off \
with V during a session, or in this menu.

Put the camera low (near the floor), facing the front of your body as you lie on your side, \
about 2 to 3 metres away, so your whole body from head to feet is in the picture. In the \
get-ready, an outline shows what the camera sees. For the first \
second and a half of each hold it learns your own straight line; it never stops a hold then. \
Enter still ends a hold whenever you choose.

Your picture stays on this computer: each frame becomes a few body points in memory and is then \
thrown away. No picture is ever saved, and nothing is sent anywhere.

It has been tested on drawn figures, not yet on real people: if it stops too early or too \
late, its thresholds can be changed (see the README).\
"""

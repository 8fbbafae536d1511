#!/bin/sh
# Regenerate assets/cues/*.wav: spoken prompts (espeak-ng) and tones (sox), 22.05 kHz mono 16-bit.
# Run by a developer when a cue changes, not at install time:
#     sudo apt-get install espeak-ng sox && sh scripts/make-cues.sh [NAME...]
# With names, only those cues are made (e.g. `sh scripts/make-cues.sh lap` after changing the
# blip): another espeak-ng or sox version may not give the same bytes for the others, and tests
# compare the PCM that reaches the sound device with the shipped files.
set -eu
cd "$(dirname "$0")/../assets/cues"
RATE=22050
ONLY=" $* "
want() {  # name: true when it is to be made
    [ "$ONLY" = "  " ] || case "$ONLY" in *" $1 "*) true ;; *) false ;; esac
}
say() {  # name, words
    want "$1" || return 0
    espeak-ng -v en-gb -s 150 -a 180 -w "/tmp/qltimer-cue-$1.wav" "$2"
    # Trim the silence espeak leaves at both ends, normalise, resample, mono 16-bit.
    sox "/tmp/qltimer-cue-$1.wav" -r $RATE -c 1 -b 16 "$1.wav" \
        silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse norm -3 pad 0 0.05
    rm -f "/tmp/qltimer-cue-$1.wav"
}
tone() {  # name, sox synth arguments...
    name=$1; shift
    want "$name" || return 0
    sox -n -r $RATE -c 1 -b 16 "$name.wav" "$@"
}
blip() {  # name, low Hz, high Hz: two short notes, rising, 0.14 s in all
    want "$1" || return 0
    sox -n -r $RATE -c 1 -b 16 "/tmp/qltimer-cue-$1-a.wav" synth 0.06 sine "$2" fade q 0.004 0.06 0.02
    sox -n -r $RATE -c 1 -b 16 "/tmp/qltimer-cue-$1-b.wav" synth 0.06 sine "$3" fade q 0.004 0.06 0.03
    sox "/tmp/qltimer-cue-$1-a.wav" "/tmp/qltimer-cue-$1-b.wav" "$1.wav" pad 0.02@0.06 norm -6
    rm -f "/tmp/qltimer-cue-$1-a.wav" "/tmp/qltimer-cue-$1-b.wav"
}
say go "Go"
say done "Done"
say form-lost "Form lost"
say rest "Rest"
say get-ready "Get ready"
say left-side "Left side"
say right-side "Right side"
say left-hand "Left hand"
say right-hand "Right hand"
say switch-sides "Switch sides"
say halfway "Halfway"
say ten-seconds "Ten seconds"
say five-seconds "Five seconds"
say count-3 "Three"
say count-2 "Two"
say count-1 "One"
say breathe-in "Breathe in"
say breathe-out "Breathe out"
say target "Target reached. Keep going if you can."
say shift-ball "Shift the ball a little"
say complete "Session complete. Well done."
say paused "Paused"
say resumed "Going on"
say stopped "Stopped"
tone chime synth 0.35 sine 880 sine 1320 fade q 0.01 0.35 0.3 remix - norm -6
tone tick synth 0.06 sine 1500 fade q 0.005 0.06 0.05 norm -8
blip lap 1175 1760
ls -1 *.wav | wc -l

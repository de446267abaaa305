/**
 * An input reference: `step/path:output`, or relative `./x:out`, `../../x:out`. Every
 * segment of the path is a step id segment (`#` for ring rounds), or `*` for every item of
 * a fan-out (a fan-in over files); `.` and `..` only lead, so a reference never climbs out
 * of the run's artifacts. An empty path (`:name`) is an input of the unit itself.
 */
export const INPUT_REF = /^((\.\/|(\.\.\/)+)?([A-Za-z0-9][A-Za-z0-9_.#-]*|\*)(\/([A-Za-z0-9][A-Za-z0-9_.#-]*|\*))*)?:[A-Za-z0-9][A-Za-z0-9_.-]*$/;

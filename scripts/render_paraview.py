"""Render PNG snapshots of a kwfp run with ParaView (Debian's python3-paraview).

Usage (headless):
  xvfb-run -a pvpython scripts/render_paraview.py OUTPUT_DIRECTORY
        [--field density|log10_density|particle_density|error]
        [--times T ...] [--size WIDTH HEIGHT]

Opens OUTPUT_DIRECTORY/solution.pvd and, when present, particles.pvd, and
writes OUTPUT_DIRECTORY/paraview-NNNNN.png for each requested time (default:
the first, middle and last output): the density field as a colour map (use
--field log10_density for a log scale) with the particles as red points on
top. Prints the files it wrote.
"""
import argparse
import os
import sys

from paraview.simple import (ColorBy, GetActiveViewOrCreate, GetColorTransferFunction,
                             GetScalarBar, PVDReader, SaveScreenshot, Show)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--field", default="density")
    parser.add_argument("--times", type=float, nargs="*")
    parser.add_argument("--size", type=int, nargs=2, default=[900, 700])
    args = parser.parse_args()

    solution_file = os.path.join(args.directory, "solution.pvd")
    if not os.path.exists(solution_file):
        sys.exit("render_paraview: no solution.pvd in " + args.directory)
    solution = PVDReader(FileName=solution_file)
    if args.field not in solution.PointData.keys():
        sys.exit("render_paraview: no field '%s'; fields: %s"
                 % (args.field, ", ".join(solution.PointData.keys())))
    times = list(solution.TimestepValues)
    if not args.times:
        args.times = [times[0], times[len(times) // 2], times[-1]]

    view = GetActiveViewOrCreate("RenderView")
    view.ViewSize = args.size
    view.OrientationAxesVisibility = 0
    view.Background = [1, 1, 1]
    try:  # ParaView >= 5.10 keeps a palette that overrides Background
        view.UseColorPaletteForBackground = 0
    except AttributeError:
        pass
    density = Show(solution, view)
    ColorBy(density, ("POINTS", args.field))
    density.SetScalarBarVisibility(view, True)
    lut = GetColorTransferFunction(args.field)
    lut.ApplyPreset("Viridis (matplotlib)", True)
    bar = GetScalarBar(lut, view)
    bar.Title = args.field
    bar.ComponentTitle = ""
    bar.TitleColor = [0, 0, 0]
    bar.LabelColor = [0, 0, 0]

    particles_file = os.path.join(args.directory, "particles.pvd")
    if os.path.exists(particles_file):
        particles = PVDReader(FileName=particles_file)
        cloud = Show(particles, view)
        ColorBy(cloud, None)
        cloud.SetRepresentationType("Points")
        cloud.PointSize = 1
        cloud.AmbientColor = [0.85, 0.1, 0.1]
        cloud.DiffuseColor = [0.85, 0.1, 0.1]
        cloud.Opacity = 0.5

    view.InteractionMode = "2D"
    written = []
    for n, time in enumerate(args.times):
        nearest = min(times, key=lambda t: abs(t - time))
        view.ViewTime = nearest
        density.RescaleTransferFunctionToDataRange(False, True)
        view.ResetCamera()
        name = os.path.join(args.directory, "paraview-%05d.png" % n)
        SaveScreenshot(name, view, ImageResolution=args.size)
        written.append("%s (t = %g)" % (name, nearest))
    print("render_paraview: " + ", ".join(written))


if __name__ == "__main__":
    main()

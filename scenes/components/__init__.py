"""Reusable pieces of the lesson's pictures, each a mobject whose methods return animations.

A scene combines them in its ``play`` calls; it does not measure their insides.
"""

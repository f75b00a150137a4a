"""supplychain"""
